"""No-op tasks through mpi4py's MPIPoolExecutor, the Python peer of
bench_dispatch. Run: mpirun -np P python3 -m mpi4py.futures mpi4py_noop.py N"""
import sys
import time

from mpi4py.futures import MPIPoolExecutor


def noop(i):
    return i


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20000
    with MPIPoolExecutor() as pool:
        list(pool.map(noop, range(100)))  # warm-up
        t0 = time.perf_counter()
        futures = [pool.submit(noop, i) for i in range(n)]
        for f in futures:
            f.result()
        secs = time.perf_counter() - t0
        print(f"mpi4py MPIPoolExecutor: {pool._max_workers if hasattr(pool, '_max_workers') else '?'} workers, "
              f"{n} no-op tasks in {secs:.3f} s: {n / secs:.0f} tasks/s")
