// Eval metrics as pure functions of per-example numbers (no torch), so each can
// be checked against hand-computed values. evaluate.cpp feeds them the
// generations and log-likelihoods of one eval point; every metric of a point is
// computed on the same generations.
//
// Random baselines (stored beside each metric in /metrics.random_baseline):
//   exact_match       mean over the point's examples of the task's chance of a
//                     uniform guess over the answer space (see kernels/data/tasks/*.cpp)
//   edit_distance     1: the score of an empty answer
//   logprob           -ln 256: a uniform byte model
//   seq_logprob       -ln 256 * mean target length (tokens)
//   mc_accuracy(_norm) 1/K for K options (mean over examples)
//   brier             1 - 1/K: uniform option probabilities
//   ece               0: a uniform guesser with confidence 1/K is calibrated
//   train/eval_loss   ln 256 nats/token
// A task file's examples (kernels/eval/file_grading.hpp) add BIG-bench's
// metrics, under BIG-bench's names (the text metrics: text_metrics.hpp):
//   exact_str_match   0 for free generation; mean 1/K where the example has K options
//   multiple_choice_grade  mean over examples of the mean option score (a uniform guess)
//   bleu              0 (0-100, corpus BLEU; only where the file's metrics list "bleu")
//   rouge1, rouge2, rougeLsum  0 (0-100 F-measures; only where the file lists "rouge")
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace sweep {

struct MetricStat {
  double mean = 0.0;
  double std_err = 0.0;  // sample std / sqrt(n)
  std::int64_t n = 0;
};

// Mean, and its standard error as sample std / sqrt(n) (0 when n < 2).
MetricStat mean_stat(const std::vector<double>& xs);

// Levenshtein distance between token sequences (here bytes: one token per byte).
std::size_t token_edit_distance(const std::string& a, const std::string& b);
// Edit distance from the predicted to the gold answer, over the gold answer's
// length in tokens: 0 for a match, 1 for an empty prediction, above 1 for a
// wrong prediction longer than the gold answer.
double normalised_edit_distance(const std::string& predicted, const std::string& gold);

// One multiple-choice example scored from the summed log-likelihood of each
// option: accuracy (argmax of ll), length-normalised accuracy (argmax of ll /
// option length in bytes, as lm-evaluation-harness's acc_norm), Brier score
// sum_k (softmax(ll)_k - onehot_k)^2, and the confidence of the chosen option
// (its softmax probability). Ties go to the lowest index.
struct ChoiceScore {
  double correct = 0.0;
  double correct_norm = 0.0;
  double brier = 0.0;
  double confidence = 0.0;
};
ChoiceScore score_choices(const std::vector<double>& loglikelihoods, const std::vector<std::size_t>& lengths,
                          int gold);

// Expected calibration error over `bins` equal-width confidence bins:
// sum_b (n_b / n) |accuracy_b - mean confidence_b|. Its standard error comes from
// a deterministic bootstrap (200 resamples, fixed seed): ECE is not a mean of
// per-example terms.
MetricStat expected_calibration_error(const std::vector<double>& confidence, const std::vector<double>& correct,
                                      int bins = 10);

}  // namespace sweep
