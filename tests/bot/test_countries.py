"""Country names under concurrency: the web server reads them from many threads at once."""

import subprocess
import sys

FIRST_USE_FROM_SIXTEEN_THREADS = """
import threading
from bot import countries

barrier = threading.Barrier(16)
found, failures = [], []

def read():
    barrier.wait()
    try:
        found.append(countries.code_of("Viet Nam"))
    except Exception as error:
        failures.append(repr(error))

threads = [threading.Thread(target=read) for _ in range(16)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print(sorted({str(code) for code in found}), failures[:1])
"""


def test_sixteen_threads_reading_countries_for_the_first_time_all_understand_them():
    """The first shares after a start arrive together; each must find its countries, not an error
    from tables another thread is still building. A fresh process, so this is the first use."""
    for _ in range(3):
        run = subprocess.run(
            [sys.executable, "-c", FIRST_USE_FROM_SIXTEEN_THREADS], capture_output=True, text=True, check=True
        )
        assert run.stdout.strip() == "['VN'] []", run.stdout + run.stderr
