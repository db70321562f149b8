import ArgumentParser

@main
struct DagRunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dagrun",
        abstract: "Run YAML DAGs (Airflow's vocabulary, long-running services with readiness probes).",
        discussion: """
            Runs live in <runs-dir>/<dag_id>/<run_id>/: state.json and one log per task attempt and service.
            Exit status of 'run': 0 when every task succeeded or was skipped, 1 when one failed, 130 when stopped, 2 when the DAG file is invalid (also 'validate'), 3 when the DAG already has an active run. 'run' runs the DAG once per invocation: a schedule in the YAML ('schedule: @daily') is for a scheduler; 'validate' prints the cron line that runs it on that schedule, and airflow/reco_dags.py runs the same YAML on Apache Airflow ('task' runs one task for it).
            """,
        subcommands: [RunDag.self, RunTask.self, ValidateDag.self, StatusCommand.self, StopCommand.self])
}
