"""`revops-mf`: MetricFlow's `mf` command, without its start-up look-up of a newer release on PyPI.

dbt-metricflow's CLI asks PyPI for a newer version of itself every time it starts; nothing in this
project may call the network at run time, and the CLI offers no switch for it, so this entry point
turns the check off and then hands over to `mf` unchanged (same commands, same options).
"""

from __future__ import annotations


def main() -> None:
    import update_checker

    def no_update_check(self, package_name, package_version, **kwargs):
        return None

    update_checker.UpdateChecker.check = no_update_check

    from dbt_metricflow.cli.main import cli

    cli()
