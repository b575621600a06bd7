#!/usr/bin/env python3
"""Validates compose files against the Compose Specification's JSON schema, as Docker Compose v2 does before it
runs anything. Usage: validate-compose-schema.py SCHEMA COMPOSE_FILE..."""
import json
import sys

import jsonschema
import yaml


def main() -> int:
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    with open(sys.argv[1], encoding="utf-8") as schema_file:
        validator = jsonschema.Draft7Validator(json.load(schema_file))
    failed = False
    for path in sys.argv[2:]:
        with open(path, encoding="utf-8") as compose_file:
            document = yaml.safe_load(compose_file)
        for error in sorted(validator.iter_errors(document), key=lambda e: list(map(str, e.absolute_path))):
            location = ".".join(str(part) for part in error.absolute_path) or "(top level)"
            print(f"{path}: {location}: {error.message}", file=sys.stderr)
            failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
