"""The demo's printed password follows the same password rules as every real account, so a
newcomer who copies it into a change-password form learns the rules from a valid example."""

from django.contrib.auth.password_validation import validate_password

from liaison.management.commands.seed_demo import PASSWORD


def test_the_demo_password_passes_the_password_validators():
    validate_password(PASSWORD)  # raises ValidationError with the rules' messages otherwise


def test_readme_prints_the_demo_password():
    from pathlib import Path

    readme = Path(__file__).resolve().parents[2] / "README.md"
    assert f"password `{PASSWORD}`" in readme.read_text(encoding="utf-8")
