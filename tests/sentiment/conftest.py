from __future__ import annotations

import pytest

from config import AnalysisSettings, Product
from sentiment import Analyzer

PRODUCTS = [
    Product(
        name="VoxLink",
        aliases=["声链", "VoxLink RTC", "VXL"],
        exclude=["VoxLink Records", "VoxLink cable"],
        competitors=["Agora", "Twilio", "声网"],
    )
]


@pytest.fixture(scope="session")
def analyzer() -> Analyzer:
    return Analyzer(PRODUCTS, AnalysisSettings())
