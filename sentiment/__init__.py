"""Text analysis for lingting, pure and I/O-free: language, relevance, sentiment, complaint lexicon,
category, priority, missing information and attribution.

    analyzer = Analyzer(settings.products, settings.analysis)
    analysis = analyzer.analyze("VoxLink SDK 4.2.1 在安卓14上闪退", source="v2ex")
    analysis.category, analysis.priority, analysis.missing_info  # 'bug', 'P2', ['product_area', 'steps', 'logs']
"""

from sentiment.analyzer import Analysis, Analyzer
from sentiment.priority import PriorityDecision, cluster_priority

__all__ = ["Analysis", "Analyzer", "PriorityDecision", "cluster_priority"]
