// Stop-request signal handlers; see stop_signal.hpp.
#include "wire/stop_signal.hpp"

#include <csignal>
#include <cstring>
#include <stdexcept>

namespace sweep {
namespace {

volatile std::sig_atomic_t g_signal = 0;

extern "C" void record_signal(int sig) {
  if (g_signal == 0) g_signal = sig;
}

}  // namespace

void install_stop_handlers(int extra_signal) {
  struct sigaction sa;
  std::memset(&sa, 0, sizeof sa);
  sa.sa_handler = record_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  for (int sig : {SIGTERM, SIGINT, extra_signal})
    if (sig > 0 && sigaction(sig, &sa, nullptr) != 0)
      throw std::runtime_error("sigaction(" + std::to_string(sig) + ") failed: " + std::strerror(errno));
}

int stop_signal_received() { return g_signal; }

int parse_signal(const std::string& name) {
  static const std::pair<const char*, int> kNames[] = {{"TERM", SIGTERM}, {"INT", SIGINT},  {"USR1", SIGUSR1},
                                                       {"USR2", SIGUSR2}, {"HUP", SIGHUP},  {"QUIT", SIGQUIT},
                                                       {"ALRM", SIGALRM}, {"XCPU", SIGXCPU}};
  std::string n = name.rfind("SIG", 0) == 0 ? name.substr(3) : name;
  for (const auto& [text, sig] : kNames)
    if (n == text) return sig;
  if (!n.empty() && n.find_first_not_of("0123456789") == std::string::npos) {
    const int sig = std::stoi(n);
    if (sig > 0 && sig < NSIG) return sig;
  }
  throw std::invalid_argument("unknown signal '" + name + "' (expected e.g. USR2, SIGTERM or a number)");
}

}  // namespace sweep
