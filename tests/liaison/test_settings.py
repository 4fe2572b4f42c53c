import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def manage(*args, **env):
    unset = ("DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE")
    environment = {k: v for k, v in os.environ.items() if k not in unset}
    environment.update(env)
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=environment,
                          capture_output=True, text=True)


def test_production_settings_pass_check_deploy_without_warnings():
    result = manage("check", "--deploy", "--fail-level", "WARNING",
                    DEBUG="false", HTTPS_ONLY="true", SECRET_KEY=secrets.token_urlsafe(50),
                    ALLOWED_HOSTS="liaison.example.org")
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_debug_is_off_unless_asked_for():
    result = manage("shell", "-c", "from django.conf import settings; print(settings.DEBUG)")
    assert result.stdout.split()[-1] == "False", result.stderr


def test_without_a_secret_key_one_is_generated_into_var_and_kept(tmp_path):
    show = ("shell", "-c", "from django.conf import settings; print(settings.SECRET_KEY)")
    first = manage(*show, VAR_DIR=str(tmp_path))
    second = manage(*show, VAR_DIR=str(tmp_path))
    stored = tmp_path / "secret_key"
    assert first.stdout.split()[-1] == second.stdout.split()[-1] == stored.read_text().strip()
    assert len(stored.read_text().strip()) >= 50
    assert stored.stat().st_mode & 0o777 == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["secret_key"]  # no drafts left behind


def test_a_bad_boolean_fails_loudly():
    result = manage("check", DEBUG="maybe")
    assert result.returncode != 0 and "DEBUG='maybe'" in result.stderr


def test_the_start_up_check_names_the_command_when_pdf_packages_are_missing(monkeypatch):
    import builtins

    from liaison import checks

    real_import = builtins.__import__

    def no_pango(name, *args, **kwargs):
        if name == "weasyprint":
            raise OSError("cannot load library 'libpango-1.0-0'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pango)
    monkeypatch.setattr(checks.shutil, "which", lambda name: None)  # no fontconfig either
    warnings = checks.pdf_system_packages(None)
    assert [w.id for w in warnings] == ["liaison.W001", "liaison.W001"]
    assert "Pango" in warnings[0].msg and "中文字体" in warnings[1].msg
    assert all("make system-packages" in w.hint for w in warnings)


def test_the_start_up_check_is_quiet_on_a_machine_with_the_packages():
    from liaison import checks

    assert checks.pdf_system_packages(None) == []
