"""liaison.pdf renders with the cyclic collector's thresholds raised (WeasyPrint's big DOMs
made it run constantly) and always gives the process its own thresholds back."""

import gc

import pytest

from liaison import pdf

POSTER = {"title": "联系点", "subtitle": "二维码", "qr": "", "lines": ["扫码"], "url": "u"}


@pytest.fixture
def thresholds():
    before = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    yield
    gc.set_threshold(*before)


def test_the_thresholds_are_raised_while_rendering_and_restored_after(thresholds, monkeypatch):
    seen = []

    class HTML:
        def __init__(self, string, base_url):
            self.string = string

        def write_pdf(self):
            seen.append(gc.get_threshold())
            return b"%PDF-" + self.string.encode()[:10]

    monkeypatch.setattr("weasyprint.HTML", HTML)
    result = pdf.render_pdf("pdf/qr_poster.html", POSTER, user=None)
    assert result.startswith(b"%PDF-")
    assert seen == [pdf.RENDER_GC_THRESHOLDS]
    assert gc.get_threshold() == (700, 10, 10)


def test_the_thresholds_are_restored_when_rendering_fails(thresholds, monkeypatch):
    class HTML:
        def __init__(self, string, base_url):
            pass

        def write_pdf(self):
            assert gc.get_threshold() == pdf.RENDER_GC_THRESHOLDS
            raise RuntimeError("layout failed")

    monkeypatch.setattr("weasyprint.HTML", HTML)
    with pytest.raises(RuntimeError, match="layout failed"):
        pdf.render_pdf("pdf/qr_poster.html", POSTER, user=None)
    assert gc.get_threshold() == (700, 10, 10)


def test_a_real_pdf_is_still_rendered(thresholds):
    result = pdf.render_pdf("pdf/qr_poster.html", POSTER, user=None)
    assert result.startswith(b"%PDF-")
    assert gc.get_threshold() == (700, 10, 10)
