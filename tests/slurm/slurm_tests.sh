#!/usr/bin/env bash
# Slurm for real: starts munged, slurmctld and slurmd on this machine with a
# generated configuration in a temporary folder, then
#   1. submits examples/slurm/sweep.sbatch on the smoke grid and checks the store
#      (its provenance must carry the job id sbatch returned: the daemons ran it);
#   2. submits it on a grid that outlasts a 1-minute time limit: Slurm's USR2
#      must stop the sweep ("stopped, resumable"), the job requeue itself, and
#      the requeued runs complete the store with results identical to an
#      uninterrupted run;
#   3. runs the srun --mpi=pmix variant once;
#   4. runs sweep under `srun --mpi=none` (no PMIx: every task is a world of
#      one rank) and expects the clear error and exit status 2;
# and stops every daemon it started, by pid, whatever happens.
# Usage: tests/slurm/slurm_tests.sh REPO BUILD_DIR PYTHON   (as root)
set -euo pipefail
if [ "$(id -u)" -ne 0 ]; then
  echo "slurm_tests: skipped: the test's slurmctld, slurmd and munged run as root"; exit 77
fi
repo=$(cd "$1" && pwd); build=$(cd "$2" && pwd); python=$3
tmp=$(mktemp -d /tmp/sweep-slurm.XXXXXX)
host=$(hostname); cores=$(nproc)
export SLURM_CONF=$tmp/slurm.conf

cleanup() {
  for f in "$tmp"/slurmd.pid "$tmp"/slurmctld.pid "$tmp"/munged.pid; do
    [ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null || true
  done
  sleep 1
  for f in "$tmp"/slurmd.pid "$tmp"/slurmctld.pid "$tmp"/munged.pid; do
    [ -f "$f" ] && kill -9 "$(cat "$f")" 2>/dev/null || true
  done
  echo "slurm_tests: daemons stopped"
}
trap cleanup EXIT

# munge with its own key and socket, so nothing of the machine's is touched.
dd if=/dev/urandom of="$tmp/munge.key" bs=1024 count=1 status=none
chmod 400 "$tmp/munge.key"
mkdir -p "$tmp/munge"
/usr/sbin/munged --force --key-file="$tmp/munge.key" --socket="$tmp/munge/munge.sock" \
  --pid-file="$tmp/munged.pid" --log-file="$tmp/munged.log" --seed-file="$tmp/munged.seed"

port=$((20000 + RANDOM % 20000))
mkdir -p "$tmp/state" "$tmp/spool" "$tmp/jobs"
cat > "$SLURM_CONF" <<CONF
ClusterName=sweeptest
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$tmp/munge/munge.sock,cred_expire=10
StateSaveLocation=$tmp/state
SlurmdSpoolDir=$tmp/spool
SlurmctldPidFile=$tmp/slurmctld.pid
SlurmdPidFile=$tmp/slurmd.pid
SlurmctldLogFile=$tmp/slurmctld.log
SlurmdLogFile=$tmp/slurmd.log
SlurmctldPort=$port
SlurmdPort=$((port + 1))
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
ReturnToService=2
JobRequeue=1
NodeName=$host CPUs=$cores State=UNKNOWN
PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE State=UP OverSubscribe=YES
CONF
slurmctld -f "$SLURM_CONF"
slurmd -f "$SLURM_CONF"
for i in $(seq 60); do
  sinfo -h -o %T 2>/dev/null | grep -q idle && break
  sleep 1
done
sinfo -h -o %T | grep -q idle || { echo "slurm_tests: node not idle"; cat "$tmp"/*.log; exit 1; }
echo "slurm_tests: slurmctld $(cat "$tmp/slurmctld.pid"), slurmd $(cat "$tmp/slurmd.pid"), node $host idle"

export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 SWEEP=$build/sweep SWEEP_GRACE=5
cd "$repo"
submit() {  # submit SCRIPT LOG ARGS...: prints the job id
  local script=$1 log=$2; shift 2
  sbatch --parsable --ntasks=3 --overcommit --output="$log" "$@" "$script" "${SUBMIT_ARGS[@]}"
}
wait_gone() {  # wait until job $1 has left the queue for good (requeues included)
  for i in $(seq "$2"); do
    squeue -h -j "$1" 2>/dev/null | grep -q . || return 0
    sleep 1
  done
  echo "slurm_tests: job $1 still queued after $2 s"; scontrol show job "$1"; return 1
}
provenance_job_id() {
  "$python" -c "import h5py,sys; a=h5py.File(sys.argv[1],'r').attrs; \
print(dict(l.split('=',1) for l in a['slurm'].decode().splitlines())['job_id'])" "$1"
}

# 1. sbatch on the smoke grid.
SUBMIT_ARGS=(sweeps/smoke.toml "$tmp/jobs/smoke.h5")
id=$(submit examples/slurm/sweep.sbatch "$tmp/jobs/smoke.log")
echo "slurm_tests: sbatch sweep.sbatch smoke -> job $id"
wait_gone "$id" 120
cat "$tmp/jobs/smoke.log"
grep -q "sweep exited 0" "$tmp/jobs/smoke.log"
"$python" tests/python/read_store.py "$tmp/jobs/smoke.h5" --expect-points 16
[ "$(provenance_job_id "$tmp/jobs/smoke.h5")" = "$id" ] || { echo "slurm_tests: store does not record job $id"; exit 1; }
echo "slurm_tests: store records slurm job_id=$id"

# 2. A time limit shorter than the sweep: signal, graceful stop, requeue, completion.
SUBMIT_ARGS=(tests/slurm/long.toml "$tmp/jobs/long.h5")
id=$(submit examples/slurm/sweep.sbatch "$tmp/jobs/long.log" --time=1 --signal=B:USR2@50)
echo "slurm_tests: sbatch --time=1 --signal=B:USR2@50 sweep.sbatch long -> job $id"
wait_gone "$id" 900  # generous: on a loaded machine each 1-minute attempt gets little done
cat "$tmp/jobs/long.log"
grep -q "USR2: time limit near" "$tmp/jobs/long.log"
grep -q "stopped, resumable" "$tmp/jobs/long.log"
grep -q "requeueing job $id" "$tmp/jobs/long.log"
grep -q "sweep exited 0" "$tmp/jobs/long.log"
echo "slurm_tests: job $id got USR2, stopped, was requeued $(grep -c 'requeueing job' "$tmp/jobs/long.log") time(s) and completed"
mpirun --oversubscribe --bind-to none -np 3 "$build/sweep" tests/slurm/long.toml --out "$tmp/jobs/long_reference.h5" \
  --progress lines --progress-every 600 | tail -1
"$python" tests/mpi/compare_stores.py "$tmp/jobs/long.h5" "$tmp/jobs/long_reference.h5"

# 3. srun --mpi=pmix variant.
SUBMIT_ARGS=(sweeps/smoke.toml "$tmp/jobs/srun.h5")
id=$(submit examples/slurm/sweep_srun.sbatch "$tmp/jobs/srun.log")
echo "slurm_tests: sbatch sweep_srun.sbatch smoke -> job $id"
wait_gone "$id" 120
cat "$tmp/jobs/srun.log"
grep -q "sweep exited 0" "$tmp/jobs/srun.log"
"$python" tests/python/read_store.py "$tmp/jobs/srun.h5" --expect-points 16

# 4. srun without PMIx: each task sees one rank; sweep must say so, exit 2.
rc=0
srun --mpi=none -n 2 --overcommit "$build/sweep" sweeps/smoke.toml --out "$tmp/jobs/nopmix.h5" \
  > "$tmp/jobs/nopmix.log" 2>&1 || rc=$?
cat "$tmp/jobs/nopmix.log"
[ "$rc" -eq 2 ] || { echo "slurm_tests: srun --mpi=none exited $rc, expected 2"; exit 1; }
grep -q "srun without PMIx" "$tmp/jobs/nopmix.log"
[ ! -e "$tmp/jobs/nopmix.h5" ] || { echo "slurm_tests: a store was created by a refused run"; exit 1; }
echo "slurm_tests: srun --mpi=none -n 2: exit 2 with the PMIx message"
echo "slurm_tests: 4 Slurm scenarios passed"
