"""The original project's approach: Python Faker writing customer CSV (the 8 legacy columns).

Used by GeneratorBenchmark as the baseline. Prints the median records per second of the measured rounds by the wall
clock and per CPU second of this process, after a warm-up round, so that interpreter start-up and module import are
not counted against Faker.
Usage: python3 faker_customers.py RECORDS_PER_ROUND ROUNDS
"""
import csv
import io
import sys
import time

from faker import Faker

HEADER = ["customer_id", "first_name", "last_name", "email", "street", "city", "state", "country"]


def write_round(fake, records):
    sink = io.StringIO()
    writer = csv.writer(sink, lineterminator="\n")
    writer.writerow(HEADER)
    for customer_id in range(records):
        writer.writerow([customer_id, fake.first_name(), fake.last_name(), fake.email(), fake.street_address(),
                         fake.city(), fake.state(), fake.country()])
    return len(sink.getvalue())


def main():
    records = int(sys.argv[1])
    rounds = int(sys.argv[2])
    fake = Faker("en_US")
    fake.seed_instance(42) if hasattr(fake, "seed_instance") else fake.seed(42)
    write_round(fake, records)
    wall_rates = []
    cpu_rates = []
    for _ in range(rounds):
        wall_start = time.perf_counter()
        cpu_start = time.process_time()
        write_round(fake, records)
        cpu_rates.append(records / (time.process_time() - cpu_start))
        wall_rates.append(records / (time.perf_counter() - wall_start))
    wall_rates.sort()
    cpu_rates.sort()
    print("%.1f %.1f" % (wall_rates[len(wall_rates) // 2], cpu_rates[len(cpu_rates) // 2]))


if __name__ == "__main__":
    main()
