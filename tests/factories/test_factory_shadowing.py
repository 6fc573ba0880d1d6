"""A project's own ``factories``/``contracts``/``mockserver`` module against this package's: one line, with the fix."""

from __future__ import annotations

import pytest

LEAVE_OUT = "-p no:callback_contracts -p no:callback_contracts_server"

USER_FACTORY = """
    class UserFactory:
        pass
"""
USING_IT = """
    from factories import UserFactory

    def test_it():
        assert UserFactory
"""


@pytest.mark.parametrize(
    ("module", "shown"),
    [
        ("tests/factories.py", "tests/factories.py"),
        ("tests/factories/__init__.py", "tests/factories/__init__.py"),
    ],
)
def test_a_tests_factories_module_the_plugin_shadows_is_said_with_the_fix(
    pytester: pytest.Pytester, module: str, shown: str
) -> None:
    path = pytester.path / module
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(USER_FACTORY.replace("\n    ", "\n"))
    (pytester.path / "tests" / "test_users.py").write_text(USING_IT.replace("\n    ", "\n"))
    result = pytester.runpytest("-p", "no:cacheprovider", "-q")
    result.stdout.fnmatch_lines(
        [
            f"*PytestConfigWarning: callback-contracts: your {shown} is shadowed by this package's 'factories' "
            "(its pytest plugin imported it first), so `import factories` gives this package's: rename your "
            f"module, import it by its package path with --import-mode=importlib, or leave this plugin out with {LEAVE_OUT}"
        ]
    )
    # in a process of its own: this one has imported the package's factories already
    pytester.runpytest_subprocess("-p", "no:cacheprovider", *LEAVE_OUT.split()).assert_outcomes(passed=1)


def test_a_module_in_a_package_is_no_clash(pytester: pytest.Pytester) -> None:
    # suite/ a package: pytest puts its parent on sys.path, and suite.factories is another name
    pytester.mkpydir("suite")
    (pytester.path / "suite" / "factories.py").write_text(USER_FACTORY.replace("\n    ", "\n"))
    (pytester.path / "suite" / "test_users.py").write_text(
        "from suite.factories import UserFactory\n\ndef test_it():\n    pass\n"
    )
    result = pytester.runpytest("-p", "no:cacheprovider", "-W", "error::pytest.PytestConfigWarning")
    result.assert_outcomes(passed=1)


def test_a_project_package_that_shadows_the_plugins_is_said_with_the_fix(pytester: pytest.Pytester) -> None:
    name = "contracts"
    pytester.mkpydir(name)  # python -m pytest puts the current folder first on sys.path
    pytester.makepyfile(test_it="def test_it():\n    pass\n")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    assert result.ret != 0
    # pytest 8.0 prints the plugin's import error as a traceback's last line, later ones after "E   "
    result.stderr.fnmatch_lines(
        [
            f"*ImportError: callback-contracts: your module '{name}' ({pytester.path / name}/__init__.py) "
            f"shadows this package's '{name}', which its pytest plugin needs: rename your module, put its "
            "folder after this package on sys.path (pytest, unlike python -m pytest, leaves the current "
            f"folder off), or leave this plugin out with {LEAVE_OUT}"
        ]
    )
    left_out = pytester.runpytest_subprocess("-p", "no:cacheprovider", *LEAVE_OUT.split())
    left_out.assert_outcomes(passed=1)
