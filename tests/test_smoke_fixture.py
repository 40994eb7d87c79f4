from tests.conftest import Runner


def test_contested_lists_miller(run: Runner) -> None:
    result = run("contested", "-f", "json")
    assert result.exit_code == 0, result.output
    assert "miller-arms-charge" in result.output
