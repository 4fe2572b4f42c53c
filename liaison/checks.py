"""Start-up checks (`manage.py check`, run by `make run`): what the PDF reports need from the
operating system, said in plain words with the command that installs it."""

from __future__ import annotations

import shutil
import subprocess

from django.core import checks

INSTALL = "sudo make system-packages（即 sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0 " \
          "fonts-noto-cjk）"


def pdf_problems() -> list[str]:
    problems = []
    try:
        import weasyprint  # noqa: F401  (loads Pango through its C bindings)
    except OSError as exc:
        problems.append(f"PDF 报告所需的系统库 Pango 未安装（{exc}）")
    fc_list = shutil.which("fc-list")
    fonts = subprocess.run([fc_list, ":lang=zh", "family"], capture_output=True, text=True,
                           check=False).stdout if fc_list else ""
    if not fonts.strip():
        problems.append("PDF 报告所需的中文字体未安装，生成的 PDF 中文会显示为方框")
    return problems


@checks.register(checks.Tags.compatibility)
def pdf_system_packages(app_configs, **kwargs):
    return [checks.Warning(problem, hint=f"请运行：{INSTALL}", id="liaison.W001")
            for problem in pdf_problems()]
