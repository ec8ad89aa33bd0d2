"""The command line: help, completion, progress, -q/-v, --format json, info, show, bad input."""

from __future__ import annotations

import io
import json
import shutil
import time
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from conftest import SEEDS, run_python, seeds_and_an_empty_file

import corpuskit
from corpuskit import progress
from corpuskit.cli import main

COMMANDS = ["extract", "validate", "schema", "pack", "verify", "info", "show"]


def run(*args: str, **kwargs) -> Result:
    """Invoke the CLI with standard output and standard error kept apart."""
    try:
        runner = CliRunner(mix_stderr=False)  # click 8.1
    except TypeError:
        runner = CliRunner()  # click ≥ 8.2 keeps result.stdout and result.stderr apart anyway
    return runner.invoke(main, list(args), prog_name="corpuskit", **kwargs)


def no_traceback(result: Result) -> None:
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        result.exception


@pytest.fixture(scope="module")
def release(tmp_path_factory) -> Path:
    """The seeds plus one empty file (one quarantined input), packed."""
    out = tmp_path_factory.mktemp("cli") / "seeds-release"
    corpuskit.pack([seeds_and_an_empty_file(tmp_path_factory)], out)
    return out


@pytest.fixture(scope="module")
def ids(release) -> list[str]:
    return [a.id for a in corpuskit.open_release(release)]


# --- help and completion ---------------------------------------------------------------------

def test_main_help_lists_every_command_with_a_summary():
    result = run("--help")
    assert result.exit_code == 0
    for command in COMMANDS:
        line = next(x for x in result.stdout.splitlines() if x.strip().startswith(command + " "))
        assert len(line.split(None, 1)[1]) > 10 and not line.endswith("..."), line
    assert "Examples:" in result.stdout and "_CORPUSKIT_COMPLETE=bash_source" in result.stdout
    assert "Exit codes" in result.stdout
    assert run("-h").stdout == result.stdout


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_examples(command):
    result = run(command, "--help")
    assert result.exit_code == 0
    text = result.stdout
    assert text.startswith(f"Usage: corpuskit {command} ")
    assert "Example" in text and f"corpuskit {command}" in text.split("Example", 1)[1]
    assert max(len(line) for line in text.splitlines()) <= 100


def test_version():
    result = run("--version")
    assert result.exit_code == 0 and corpuskit.__version__ in result.stdout


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_shell_completion_script(shell):
    result = run(env={"_CORPUSKIT_COMPLETE": f"{shell}_source"})
    assert result.exit_code == 0
    assert "_CORPUSKIT_COMPLETE" in result.stdout and "corpuskit" in result.stdout
    if shell == "bash":
        assert "complete -o nosort -F" in result.stdout


def test_completion_of_commands_and_ids(release, ids):
    def complete(words: str) -> list[str]:
        result = run(env={"_CORPUSKIT_COMPLETE": "bash_complete", "COMP_WORDS": words,
                          "COMP_CWORD": str(len(words.split()) - (not words.endswith(" ")))})
        assert result.exit_code == 0
        return [line.split(",", 1)[1] for line in result.stdout.splitlines()]

    assert {"pack", "info", "show", "verify"} <= set(complete("corpuskit "))
    assert complete(f"corpuskit show {release} {ids[0][:3]}") == [
        i for i in ids if i.startswith(ids[0][:3])]


# --- bad input never gives a traceback -------------------------------------------------------

@pytest.fixture
def places(tmp_path, release) -> dict[str, Path]:
    empty = tmp_path / "empty"
    empty.mkdir()
    garbled = tmp_path / "garbled"
    shutil.copytree(release, garbled)
    (garbled / "manifest.json").write_text('{"counts": 3, "shards": "x"}', encoding="utf-8")
    parquet = next(garbled.glob("data/*.parquet"))
    parquet.write_bytes(parquet.read_bytes()[:500])
    return {"missing": tmp_path / "nope", "empty": empty, "garbled": garbled,
            "not_a_release": SEEDS}


# (command, place) → exit code: 2 usage error, 1 failure found, 0 ok
EXPECTED = {
    "verify": {"missing": 2, "empty": 1, "garbled": 1, "not_a_release": 1},
    "info": {"missing": 2, "empty": 1, "garbled": 1, "not_a_release": 1},
    "show": {"missing": 2, "empty": 1, "garbled": 1, "not_a_release": 1},
    "extract": {"missing": 2, "empty": 0, "garbled": 1},
    "validate": {"missing": 2, "empty": 0, "garbled": 1},
    "pack": {"missing": 2, "empty": 0, "garbled": 0},
}


@pytest.mark.parametrize("command,place,code", [
    (c, p, code) for c, by_place in EXPECTED.items() for p, code in by_place.items()])
def test_bad_input_is_one_clear_line(command, place, code, places, tmp_path):
    path = str(places[place])
    args = {"show": [path, "052f"], "pack": [path, "-o", str(tmp_path / "out")]}.get(
        command, [path])
    result = run(command, *args)
    no_traceback(result)
    assert result.exit_code == code, result.output
    if code == 2:
        assert "does not exist" in result.stderr and path in result.stderr
    elif code == 1 and command in ("info", "show"):
        assert result.stderr.startswith("Error: ") and path in result.stderr
        assert result.stderr.count("\n") == 1  # one line
    if place == "empty" and command in ("extract", "validate", "pack"):
        assert "no input files" in result.stderr


def test_a_file_is_not_a_release(tmp_path):
    f = tmp_path / "f.txt"
    f.write_text("x")
    for command in ("info", "verify"):
        result = run(command, str(f))
        no_traceback(result)
        assert result.exit_code == 1 and "not a folder" in result.stderr


def test_failed_inputs_are_one_line_each_with_their_path(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "empty.txt").write_bytes(b"")
    (src / "image.bin").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    result = run("extract", str(src))
    assert result.exit_code == 1 and result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines[:2] == [f"{src / 'empty.txt'}: empty: the file is empty",
                         f"{src / 'image.bin'}: binary: the file is binary, not a text capture"]
    assert lines[2] == "Extracted 0 articles from 2 files; 2 failed."


def test_quiet_and_verbose_together_is_a_usage_error():
    result = run("validate", "-q", "-v", str(SEEDS))
    assert result.exit_code == 2 and "cannot be used together" in result.stderr


# --- progress, quiet, verbose, colour --------------------------------------------------------

def test_no_bar_no_ansi_when_stderr_is_not_a_terminal(release, tmp_path):
    """CliRunner's streams are not terminals: no bar, no colour, even when click would allow
    colour (color=True)."""
    for args in (["pack", str(SEEDS), "-o", str(tmp_path / "r"), "-v"], ["verify", str(release)],
                 ["info", str(release)], ["show", str(release), "052f"],
                 ["extract", str(release)]):
        result = run(*args, color=True)
        assert "\x1b[" not in result.output and "\r" not in result.output, args


def test_quiet_leaves_only_what_went_wrong(tmp_path, release):
    result = run("pack", "-q", str(SEEDS), "-o", str(tmp_path / "r"))
    assert result.exit_code == 0 and result.output == ""
    assert run("verify", "-q", str(release)).output == ""
    result = run("extract", "-q", str(SEEDS))
    assert result.exit_code == 0 and result.stderr == "" and len(result.stdout.splitlines()) == 5
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "empty.txt").write_bytes(b"")
    result = run("validate", "-q", str(tmp_path / "in"))
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [f"{tmp_path / 'in' / 'empty.txt'}: the file is empty "
                                          "[empty]"]


def test_verbose_prints_a_line_per_input(tmp_path):
    src = tmp_path / "in"
    shutil.copytree(SEEDS, src)
    shutil.copy(next(src.glob("000_*")), src / "copy.txt")
    (src / "empty.txt").write_bytes(b"")
    result = run("pack", "-v", str(src), "-o", str(tmp_path / "r"))
    assert result.exit_code == 0
    lines = result.stderr.splitlines()
    assert f"{src / 'empty.txt'}: 1 quarantined (empty)" in lines
    assert f"{src / 'copy.txt'}: identical to an earlier input (1 record folded)" in lines
    assert sum(line.endswith(": 1 article") for line in lines) == 5
    assert lines[-1].startswith("Packed 5 articles from 7 inputs")
    result = run("extract", "-v", str(SEEDS))
    assert len([x for x in result.stderr.splitlines() if x.startswith(str(SEEDS))]) == 5
    result = run("verify", "-v", str(tmp_path / "r"))
    assert "records: 5 rows checked" in result.stderr


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_use_color_only_on_a_terminal_without_no_color(monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert progress.use_color(FakeTerminal())
    assert not progress.use_color(io.StringIO())
    monkeypatch.setenv("NO_COLOR", "1")
    assert not progress.use_color(FakeTerminal())
    monkeypatch.setenv("NO_COLOR", "")  # empty: as if unset (no-color.org)
    assert progress.use_color(FakeTerminal())
    assert progress.style("x", color=False, fg="red") == "x"
    assert progress.style("x", color=True, fg=None) == "x"
    assert progress.style("x", color=True, fg="red") != "x"


def test_progress_redraws_at_most_ten_times_a_second():
    out = FakeTerminal()
    bar = progress.Progress("pack", total=200_000, counts=("packed", "quarantined"),
                            file=out, delay=0)
    start = time.monotonic()
    for n in range(200_000):
        bar.advance(packed=1, quarantined=n % 2)
    elapsed = time.monotonic() - start
    bar.close()
    assert bar.counts == {"packed": 200_000, "quarantined": 100_000}
    assert 1 <= bar.draws <= elapsed / progress.INTERVAL + 2
    assert "packed" in out.getvalue() and "quarantined" in out.getvalue()
    # the hot path: well under a microsecond per call on any machine this runs on
    assert elapsed / 200_000 < 20e-6


def test_disabled_progress_draws_nothing():
    out = FakeTerminal()
    bar = progress.Progress("x", file=out, enabled=False, delay=0)
    for _ in range(1000):
        bar.advance(ok=1)
    bar.echo("a line")
    bar.close()
    assert bar.draws == 0 and out.getvalue() == "a line\n"


def test_a_short_run_shows_no_bar():
    out = FakeTerminal()
    with progress.Progress("x", file=out) as bar:  # default delay: half a second
        bar.advance(3)
    assert bar.draws == 0 and out.getvalue() == ""


# --- --format json ---------------------------------------------------------------------------

def test_pack_summary_as_json(tmp_path):
    result = run("pack", str(SEEDS), "-o", str(tmp_path / "r"), "--format", "json")
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    assert doc["packed"] == 5 and doc["inputs"] == 5 and doc["quarantined"] == 0
    assert doc["out"] == str(tmp_path / "r") and doc["release_date"]
    assert "Packed" not in result.stderr


def test_verify_report_as_json(release, tmp_path):
    result = run("verify", str(release), "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {"release": str(release), "ok": True, "problems": []}
    damaged = tmp_path / "damaged"
    shutil.copytree(release, damaged)
    (damaged / "quarantine.jsonl").write_text("", encoding="utf-8")
    result = run("verify", str(damaged), "--format", "json")
    assert result.exit_code == 1
    doc = json.loads(result.stdout)
    assert doc["ok"] is False
    assert {"file": "quarantine.jsonl"}.items() <= doc["problems"][0].items()
    assert all(set(p) == {"file", "where", "message"} for p in doc["problems"])


# --- info ------------------------------------------------------------------------------------

def test_info_text(release):
    result = run("info", str(release))
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith("seeds-release 1.0.0 — dated ")
    for expected in ("built with  corpuskit " + corpuskit.__version__, "schema      1.0.0",
                     "articles    5 from 6 inputs in 6 files: 0 duplicates folded, "
                     "1 quarantined; 1 shard", "images      23 (23 with a caption)",
                     "published   2023-07-26 … 2023-10-19T13:08:46.609Z",
                     "captured    2023-09-05T01:47:04Z … 2023-10-19T13:17:02Z"):
        assert expected in out, expected
    assert "  dw                 2" in out and "  zh-Hant          1" in out
    assert "  2023         5" in out and "  empty             1" in out
    files = [p for p in release.rglob("*") if p.is_file()]
    assert f"size        {sum(p.stat().st_size for p in files) / 1000:.1f} KB in " \
           f"{len(files)} files" in out


def test_info_json(release):
    result = run("info", str(release), "--format", "json")
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    m = json.loads((release / "manifest.json").read_text(encoding="utf-8"))
    assert doc["release"] == m["release"] and doc["built_with"] == m["software"]
    assert doc["schema"] == {"id": m["schema"]["id"], "version": m["schema"]["version"]}
    assert doc["by_outlet"] == {"dw": 2, "epochtimes": 2, "rfa": 1}
    assert doc["by_language"] == {"zh-Hans": 4, "zh-Hant": 1}
    assert doc["by_year"] == {"2023": 5}
    assert doc["images"] == {"total": 23, "with_caption": 23}
    assert doc["dates"] == m["dates"]
    assert doc["size"]["bytes"] == sum(p.stat().st_size for p in release.rglob("*")
                                       if p.is_file())


def test_info_caps_long_tables(release, monkeypatch):
    monkeypatch.setattr("corpuskit.cli.TABLE_ROWS", 2)
    out = run("info", str(release)).stdout
    assert "… 1 more (1; --all or --format json lists them)" in out
    assert "… 1 more" not in run("info", str(release), "--all").stdout


# --- show ------------------------------------------------------------------------------------

def test_show_by_id_and_by_prefix(release, ids):
    article = corpuskit.open_release(release).get(ids[0])
    full = run("show", str(release), ids[0])
    assert full.exit_code == 0
    assert run("show", str(release), ids[0][:5]).stdout == full.stdout
    lines = full.stdout.splitlines()
    assert lines[0] == article.title
    assert article.outlet.id in lines[1] and article.published_at in lines[1]
    assert f"By: {', '.join(article.authors)}" in lines
    assert article.text.splitlines()[0] in lines
    captioned = next(i for i in article.images if i.caption)
    assert any(captioned.caption in line for line in lines)
    assert f"      {captioned.url}" in lines


def test_show_json_is_the_record(release, ids):
    result = run("show", str(release), ids[-1], "--format", "json")
    assert result.exit_code == 0
    assert result.stdout == corpuskit.open_release(release).get(ids[-1]).to_json() + "\n"


def test_show_unknown_or_ambiguous_id(release, ids):
    result = run("show", str(release), "ffffffffffffffff")
    no_traceback(result)
    assert result.exit_code == 1
    assert result.stderr == f"Error: {release}: no article with id 'ffffffffffffffff'\n"
    result = run("show", str(release), "")
    assert result.exit_code == 1 and "matches several articles" in result.stderr
    assert ids[0] in result.stderr


def test_limits_are_options_of_extract_and_validate(tmp_path):
    from click.testing import CliRunner

    from corpuskit.cli import main

    big = tmp_path / "big.md"
    big.write_text("### t\n---\n<p>" + "正文" * 2000 + "</p>\n原文链接：https://a.com/x\n")
    for command in ("extract", "validate"):
        limited = CliRunner().invoke(main, [command, "--max-bytes", "1000", str(big)])
        assert limited.exit_code == 1
        assert str(big) in limited.stderr and "too_large" in limited.stderr
        unlimited = CliRunner().invoke(main, [command, "--max-bytes", "0", str(big)])
        assert unlimited.exit_code == 0, unlimited.stderr


def test_the_cli_starts_without_the_extraction_libraries():
    """`corpuskit --help` and shell completion import click and corpuskit's small modules
    only: the extraction's libraries (most of a second) load when a command needs them."""
    code = ("import sys, corpuskit.cli; heavy = {'lxml', 'trafilatura', 'py3langid', 'pyarrow',"
            " 'jsonschema', 'tldextract'} & {m.split('.')[0] for m in sys.modules}; "
            "print(sorted(heavy))")
    assert run_python(code, check=True).stdout.strip() == "[]"


def test_the_public_api_is_there_on_first_use():
    code = ("import corpuskit; from corpuskit import pack, Article; "
            "assert corpuskit.verify.__module__.startswith('corpuskit.release'); "
            "assert set(corpuskit.__all__) <= set(dir(corpuskit)); print(Article.__name__)")
    assert run_python(code, check=True).stdout.strip() == "Article"
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        import corpuskit

        corpuskit.nope  # noqa: B018


@pytest.mark.parametrize("command", ["pack", "extract"])
def test_ctrl_c_ends_a_command_with_130(tmp_path, monkeypatch, command):
    # what a script sees: 130 as from a shell, not click's "Aborted!" and 1 (a failed input)
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("corpuskit.release.pack", interrupted)
    monkeypatch.setattr("corpuskit.pipeline.iter_outcomes", interrupted)
    args = ["-o", str(tmp_path / "out")] if command == "pack" else []
    result = CliRunner().invoke(main, [command, str(SEEDS), *args])
    assert result.exit_code == 130, result.output
    assert "Interrupted." in result.output and "Aborted" not in result.output
