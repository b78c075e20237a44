// sweep score: the command line, then the worker module's score; see
// score_command.hpp.
#include "cli/score_command.hpp"

#include <iostream>
#include <regex>
#include <string>

#include "cli/options.hpp"
#include "cli/worker_module.hpp"

namespace sweep {

int score_command(int argc, char** argv, const char* version) {
  const std::string synopsis =
      "usage: sweep score --model DIR --text FILE [--dtype float32|bfloat16] [--device cpu|cuda] [--batch N]\n"
      "For each line of FILE ('-': standard input) without its newline, prints one JSON line\n"
      "  {\"ids\":[...],\"logprobs\":[null,lp1,...]}\n"
      "the ids DIR/tokenizer.json gives the line (no special tokens added) and\n"
      "logprobs[i] = log p(ids[i] | ids[<i]) under the model (float32 log_softmax, 9 significant\n"
      "digits), the first token unscored; an empty line prints {\"ids\":[],\"logprobs\":[]}.\n"
      "A line longer than the model's context is scored in lm-evaluation-harness's rolling\n"
      "windows: each window holds up to the context's length of tokens, the tokens already\n"
      "scored serving as context, and every token is scored once.\n"
      "DIR: a Hugging Face model folder (config.json, model.safetensors or its shards with\n"
      "model.safetensors.index.json, tokenizer.json) of GPT-2, GPT-NeoX or the Llama family.\n";
  const std::string epilogue =
      "\nEnvironment: SWEEP_DEVICE_MEMORY (bytes, or with KiB/MiB/GiB) replaces the device's free\n"
      "memory in the check made before loading.\n"
      "Exit status: 0 ok, 2 bad command line, model folder, text or memory check, 1 scoring failed.\n";
  cli::OptionTable table("Options");
  table.add()
      ("help,h", "print this help and exit")
      ("model", cli::po::value<std::string>(), "the Hugging Face model folder")
      ("text", cli::po::value<std::string>(), "the text to score, one line at a time ('-': standard input)")
      ("dtype", cli::po::value<std::string>()->default_value("float32"),
       "compute dtype: float32, or bfloat16 (weights and activations; norms, softmax and logits float32)")
      ("device", cli::po::value<std::string>()->default_value("cpu"), "cpu, cuda or cuda:N")
      ("batch", cli::po::value<int>()->default_value(16),
       "windows (lines, or a long line's parts) scored per forward pass");
  cli::po::variables_map vm;
  try {
    vm = table.parse(argc - 1, argv + 1);
    if (vm.count("help")) {
      table.usage(std::cout, synopsis, epilogue);
      return 0;
    }
    if (!vm.count("model")) throw cli::po::error("--model is required");
    if (!vm.count("text")) throw cli::po::error("--text is required");
    const std::string dtype = vm["dtype"].as<std::string>();
    if (dtype != "float32" && dtype != "bfloat16")
      throw cli::po::error("--dtype must be float32 or bfloat16, got '" + dtype + "'");
    if (!std::regex_match(vm["device"].as<std::string>(), std::regex("cpu|cuda(:[0-9]+)?")))
      throw cli::po::error("--device must be cpu, cuda or cuda:N, got '" + vm["device"].as<std::string>() + "'");
    if (vm["batch"].as<int>() < 1) throw cli::po::error("--batch must be at least 1");
  } catch (const cli::po::error& e) {
    table.usage(std::cerr, "sweep score: " + std::string(e.what()) + "\n" + synopsis);
    return 2;
  }
  std::string load_error;
  const SweepWorkerEntry* worker = load_worker_module(version, load_error);
  if (worker == nullptr) {
    std::cerr << "sweep score: " << load_error << "\n";
    return 1;
  }
  worker->prepare(argv);  // may re-execute this program with fitting OpenBLAS kernels
  const std::string model = vm["model"].as<std::string>(), text = vm["text"].as<std::string>();
  const std::string dtype = vm["dtype"].as<std::string>(), device = vm["device"].as<std::string>();
  const SweepScoreRequest request{model.c_str(), text.c_str(), dtype.c_str(), device.c_str(), vm["batch"].as<int>()};
  char error[4096] = "";
  const int status = worker->score(&request, error, sizeof error);
  if (status != 0) std::cerr << "sweep score: " << error << "\n";
  return status;
}

}  // namespace sweep
