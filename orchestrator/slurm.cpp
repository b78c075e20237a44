// Slurm job discovery; see slurm.hpp.
#include "orchestrator/slurm.hpp"

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <sstream>

extern char** environ;

namespace sweep {
namespace {

std::string get(const std::map<std::string, std::string>& env, const char* key) {
  auto it = env.find(key);
  return it == env.end() ? "" : it->second;
}

// "2026-11-22T08:40:00" in local time -> unix seconds; 0 for anything else.
double parse_end_time(const std::string& text) {
  std::tm tm{};
  const char* end = strptime(text.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
  if (end == nullptr || *end != '\0') return 0.0;
  tm.tm_isdst = -1;
  const std::time_t t = std::mktime(&tm);
  return t == static_cast<std::time_t>(-1) ? 0.0 : static_cast<double>(t);
}

}  // namespace

std::optional<SlurmJob> slurm_job(const std::map<std::string, std::string>& env, const std::string& squeue_end) {
  SlurmJob job;
  job.job_id = get(env, "SLURM_JOB_ID");
  if (job.job_id.empty()) return std::nullopt;
  job.restart_count = std::atoi(get(env, "SLURM_RESTART_COUNT").c_str());
  job.nodelist = get(env, "SLURM_JOB_NODELIST");
  job.tasks_per_node = get(env, "SLURM_TASKS_PER_NODE");
  job.step_tasks = std::atoi(get(env, "SLURM_STEP_NUM_TASKS").c_str());
  job.end_time = parse_end_time(squeue_end);
  return job;
}

std::optional<std::string> srun_without_pmi(const std::map<std::string, std::string>& env) {
  if (get(env, "SLURM_STEP_ID").empty()) return std::nullopt;  // not an srun task (e.g. the batch script)
  for (const char* key : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK"})
    if (!get(env, key).empty()) return std::nullopt;
  const std::string tasks = get(env, "SLURM_STEP_NUM_TASKS");
  return "sweep: started by srun (job " + get(env, "SLURM_JOB_ID") + ", step of " +
         (tasks.empty() ? std::string("?") : tasks) +
         " tasks) without PMIx, so the tasks cannot form one MPI world: srun without PMIx? "
         "Run `srun --mpi=pmix ...` (see `srun --mpi=list`), or mpirun inside the allocation";
}

std::map<std::string, std::string> process_environment() {
  std::map<std::string, std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string kv(*e);
    const auto eq = kv.find('=');
    if (eq != std::string::npos) env[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  return env;
}

std::optional<SlurmJob> current_slurm_job() {
  const auto env = process_environment();
  std::string end;
  if (!get(env, "SLURM_JOB_ID").empty()) {
    const std::string cmd = "squeue -h -j " + std::to_string(std::atol(get(env, "SLURM_JOB_ID").c_str())) +
                            " -o %e 2>/dev/null";
    if (FILE* p = popen(cmd.c_str(), "r")) {
      char buf[64] = {};
      if (std::fgets(buf, sizeof buf, p)) end = buf;
      pclose(p);
      while (!end.empty() && (end.back() == '\n' || end.back() == ' ')) end.pop_back();
    }
  }
  return slurm_job(env, end);
}

std::string describe(const SlurmJob& job) {
  std::ostringstream os;
  os.precision(15);
  os << "job_id=" << job.job_id << "\nrestart_count=" << job.restart_count << "\nnodelist=" << job.nodelist
     << "\ntasks_per_node=" << job.tasks_per_node << "\nend_time=" << job.end_time << "\n";
  return os.str();
}

}  // namespace sweep
