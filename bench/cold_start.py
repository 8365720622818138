"""Cold start of the numbers function: its imports and the DynamoDB client of its first request.

Three sides, each in fresh interpreters run in turn:
- baseline: `import boto3` and a DynamoDB client — the issue's yardstick;
- floor: the same plus what the chosen stack costs before any hub code (pydantic, pydantic-settings,
  a Powertools HTTP resolver with validation, Logger/Tracer/Metrics — Tracer loads the X-Ray SDK,
  which builds its own boto3 clients at import);
- subject: `hub_numbers.app` and `deps.numbers_store()`.
subject/baseline is the target ratio; subject/floor is what the hub's own code adds.
"""

from __future__ import annotations

from bench.harness import REGION, Samples, child_environment, run_child

TARGET = 1.5
BASELINE = f'import boto3; boto3.client("dynamodb", region_name="{REGION}")'
FLOOR = (
    f'import boto3; boto3.client("dynamodb", region_name="{REGION}"); import pydantic_settings; '
    "from aws_lambda_powertools import Logger, Metrics, Tracer; "
    "from aws_lambda_powertools.event_handler import APIGatewayHttpResolver; "
    "from aws_lambda_powertools.event_handler.openapi.params import Query; "
    'APIGatewayHttpResolver(enable_validation=True); Logger(service="x"); Tracer(service="x"); Metrics(namespace="x")'
)
SUBJECT = "import hub_numbers.app; from hub_numbers import deps; deps.numbers_store()"


def cold_start(runs: int) -> None:
    env = child_environment()
    sides = {"baseline": BASELINE, "floor": FLOOR, "subject": SUBJECT}
    samples = {name: Samples() for name in sides}
    for code in sides.values():  # warm-ups: bytecode compiled and files cached for every side alike
        run_child(code, env)
    for _ in range(runs):
        for name, code in sides.items():
            run_child(code, env, samples[name])
    base, floor, subject = (samples[name].median_ms() for name in sides)
    ratio = subject[0] / base[0]
    labels = {
        "baseline": "baseline  boto3 + DynamoDB client",
        "floor": "floor     + pydantic, Powertools resolver/Tracer",
        "subject": "subject   hub_numbers.app + numbers_store()",
    }
    print(f"cold_start — medians of {runs} fresh interpreters per side, run in turn")
    print(f"  {'':<50}{'imports+build ms':>18}{'whole process ms':>18}")
    for name, (code_ms, process_ms) in zip(sides, (base, floor, subject), strict=True):
        print(f"  {labels[name]:<50}{code_ms:>18.1f}{process_ms:>18.1f}")
    print(f"  {'subject / baseline':<50}{ratio:>17.2f}×")
    print(f"  {'floor / baseline (the stack before hub code)':<50}{floor[0] / base[0]:>17.2f}×")
    print(f"  {'subject / floor (what hub code adds)':<50}{subject[0] / floor[0]:>17.2f}×")
    print(f"  target subject/baseline ≤ {TARGET}×: {'PASS' if ratio <= TARGET else 'OVER'}")
