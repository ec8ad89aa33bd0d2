"""benchmarks/instructions.py --by-library: callgrind_annotate lines charged to libraries."""

from __future__ import annotations

import sys

import pytest
from conftest import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))
import instructions

# Lines of `callgrind_annotate --threshold=100` from a run of the extract stage (CPython 3.11.7
# built by pyenv, lxml's wheel); the last but one is code inlined from a CPython header, which
# callgrind_annotate prints without its object.
_LINES = [
    ("  180,143,454 ( 1.81%)  python-build.20260509073455.222/Python-3.11.7/./Modules/_sre/"
     "sre_lib.h:sre_ucs1_charset.constprop.0 [/root/.pyenv/versions/3.11.7/lib/"
     "libpython3.11.so.1.0]", 180_143_454, "CPython: regular expressions"),
    ("1,218,913,588 (12.24%)  python-build.20260509073455.222/Python-3.11.7/Python/ceval.c:"
     "_PyEval_EvalFrameDefault'2 [/root/.pyenv/versions/3.11.7/lib/libpython3.11.so.1.0]",
     1_218_913_588, "CPython: interpreter loop"),
    ("   32,069,424 ( 0.32%)  ???:0x000000000026bee0 [/tmp/venv/lib/python3.11/site-packages/"
     "lxml/etree.cpython-311-x86_64-linux-gnu.so]", 32_069_424, "lxml (libxml2 linked in)"),
    ("   44,597,901 ( 0.45%)  python-build.20260509073455.222/Python-3.11.7/Modules/"
     "unicodedata.c:is_normalized_quickcheck [/root/.pyenv/versions/3.11.7/lib/python3.11/"
     "lib-dynload/unicodedata.cpython-311-x86_64-linux-gnu.so]", 44_597_901, "unicodedata"),
    ("   96,748,674 ( 0.97%)  python-build.20260509073455.222/Python-3.11.7/Objects/stringlib/"
     "codecs.h:unicode_decode_utf8", 96_748_674, "CPython: str"),
    ("   32,273,819 ( 0.32%)  python-build.20260509073455.222/Python-3.11.7/./Include/"
     "object.h:_PyFrame_Clear", 32_273_819, "CPython: memory, reference counts, collector"),
    ("  488,944,509 ( 4.91%)  ./string/../sysdeps/x86_64/multiarch/memmove-vec-unaligned-erms.S:"
     "__memcpy_avx_unaligned_erms [/usr/lib/x86_64-linux-gnu/libc.so.6]", 488_944_509, "libc"),
]


@pytest.mark.parametrize(("line", "count", "library"), _LINES)
def test_annotated_line_charged_to_its_library(line: str, count: int, library: str) -> None:
    m = instructions._ANNOTATED.match(line)
    assert m is not None
    assert int(m.group(1).replace(",", "")) == count
    assert instructions.library_of(m.group(2), m.group(4)) == library


def test_dict_code_is_other_builtins_and_totals_line_is_not_a_function() -> None:
    line = ("  132,834,791 ( 1.32%)  python-build.20260509073455.222/Python-3.11.7/Objects/"
            "dictobject.c:_Py_dict_lookup [/root/.pyenv/versions/3.11.7/lib/libpython3.11.so.1.0]")
    m = instructions._ANNOTATED.match(line)
    assert m is not None
    assert instructions.library_of(m.group(2), m.group(4)).startswith("CPython: other built-ins")
    totals = instructions._ANNOTATED.match("9,960,854,728 (100.0%)  PROGRAM TOTALS")
    assert totals is None
