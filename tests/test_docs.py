"""The docs: generated pages in sync with the code, snippets that run, a strict mkdocs build."""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, SEEDS

import corpuskit

DOCS = ROOT / "docs"


def _gen_docs():
    spec = importlib.util.spec_from_file_location("gen_docs", ROOT / "scripts" / "gen_docs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_generated_pages_are_in_sync():
    stale = _gen_docs().run(check=True)
    assert not stale, (f"out of date: {', '.join(stale)}; run `python scripts/gen_docs.py` "
                       "and commit the pages")


def test_cli_reference_covers_every_command_and_option():
    from corpuskit.cli import main

    text = (DOCS / "cli-reference.md").read_text(encoding="utf-8")
    for name, command in main.commands.items():
        assert f"## corpuskit {name}\n" in text
        for param in command.params:
            for opt in getattr(param, "opts", []):
                if opt.startswith("-"):
                    assert opt in text, f"{name} {opt}"


@pytest.fixture(scope="module")
def release(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("docs")
    corpuskit.pack([SEEDS], root / "release")
    return root


def test_release_format_names_every_file_and_field(release):
    text = (DOCS / "release-format.md").read_text(encoding="utf-8")
    out = release / "release"
    for path in out.iterdir():
        assert path.name in text, f"release-format.md does not mention {path.name}"
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    section = text.split("## manifest.json", 1)[1].split("\n## ", 1)[0]
    for key in manifest:
        assert f"`{key}`" in section, f"manifest field {key} is not described"
    for key in manifest["counts"]:
        assert f"`{key}`" in section
    src = release / "broken"
    src.mkdir()
    (src / "empty.txt").write_bytes(b"")
    corpuskit.pack([src], release / "q")
    line = json.loads((release / "q" / "quarantine.jsonl").read_text(encoding="utf-8"))
    section = text.split("## quarantine.jsonl", 1)[1].split("\n## ", 1)[0]
    for key in line:
        assert f"`{key}`" in section, f"quarantine field {key} is not described"


def _python_blocks(page: str) -> list[str]:
    return re.findall(r"```python\n(.*?)```", (DOCS / page).read_text(encoding="utf-8"), re.S)


def _imports(code: str) -> set[str]:
    return {m.split(".")[0] for m in re.findall(r"^(?:from|import) ([\w.]+)", code, re.M)}


LOADING = _python_blocks("loading.md")


@pytest.mark.parametrize("code", LOADING, ids=[
    "-".join(sorted(_imports(c))) for c in LOADING])
def test_loading_snippets_run(code, release, monkeypatch, capsys):
    missing = [m for m in _imports(code) if importlib.util.find_spec(m) is None]
    if missing:
        pytest.skip(f"not installed: {', '.join(missing)}")
    monkeypatch.chdir(release)
    exec(compile(code, "loading.md", "exec"), {})
    assert capsys.readouterr().out  # every snippet prints something


def test_index_api_snippet_names_real_functions():
    code = _python_blocks("index.md")[0]
    for name in re.findall(r"corpuskit\.(\w+)\(", code):
        assert hasattr(corpuskit, name), name


def test_docs_tell_how_to_complete_and_verify():
    cli = (DOCS / "cli.md").read_text(encoding="utf-8")
    assert "_CORPUSKIT_COMPLETE=bash_source corpuskit" in cli
    faq = (DOCS / "faq.md").read_text(encoding="utf-8")
    assert "SOURCE_DATE_EPOCH" in faq and "sha256sum -c SHA256SUMS" in faq
    assert "corpuskit verify" in faq


def test_every_nav_page_exists_and_readme_points_at_the_docs():
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    pages = [next(iter(item.values())) for item in config["nav"]]
    assert all((DOCS / p).is_file() for p in pages), pages
    assert {"adapters.md", "cli.md", "cli-reference.md", "schema.md", "release-format.md",
            "loading.md", "faq.md", "getting-started.md"} <= set(pages)
    assert "docs/" in (ROOT / "README.md").read_text(encoding="utf-8")


def _mkdocs() -> list[str] | None:
    exe = Path(sys.executable).with_name("mkdocs")
    if exe.exists():
        return [str(exe)]
    if importlib.util.find_spec("mkdocs") is not None:
        return [sys.executable, "-m", "mkdocs"]
    found = shutil.which("mkdocs")
    return [found] if found else None


def test_mkdocs_build_is_strict_clean(tmp_path):
    """CI installs mkdocs (the test extra has it) and builds the site; warnings fail."""
    mkdocs = _mkdocs()
    if mkdocs is None:
        pytest.skip("mkdocs is not installed (pip install -e '.[docs]')")
    run = subprocess.run([*mkdocs, "build", "--strict", "--site-dir", str(tmp_path / "site")],
                         cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    assert (tmp_path / "site" / "cli-reference" / "index.html").is_file()
