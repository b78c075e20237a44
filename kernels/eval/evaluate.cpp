// Batched eval; see evaluate.hpp. Batches right-pad sequences: with causal
// attention, padding after a sequence's end cannot affect its logits, so no
// mask or position shift is needed.
#include "kernels/eval/evaluate.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "kernels/data/prompts.hpp"
#include "kernels/device/logprob_cpu.hpp"
#include "kernels/eval/file_grading.hpp"

namespace sweep {
namespace {

std::vector<std::int64_t> ids_of(const text::Tokenizer& tok, std::string_view s) {
  std::vector<text::TokenId> ids;
  tok.encode(s, ids);
  return std::vector<std::int64_t>(ids.begin(), ids.end());
}

// A context and target as one row, scored as lm-evaluation-harness scores a
// continuation: encode context + target together, and the target is the
// tokens past the context's own encoding. With a subword tokenizer, the
// context's trailing spaces move to the target first (a word's leading space
// belongs to its token); the byte tokenizer needs no move. A row longer than
// `limit` keeps its last `limit` tokens (left truncation).
struct PairRow {
  std::vector<std::int64_t> ids;
  std::int64_t context_len = 0, target_len = 0;
  bool context_prefix = true;  // ids start with the context's own encoding (the generation prefill's)
};
PairRow encode_pair(const text::Tokenizer& tok, std::string context, std::string target, std::int64_t limit) {
  if (tok.name() != "bytes") {
    std::size_t keep = context.size();
    while (keep > 0 && context[keep - 1] == ' ') --keep;
    target = context.substr(keep) + target;
    context.resize(keep);
  }
  PairRow row;
  row.ids = ids_of(tok, context + target);
  const std::vector<std::int64_t> alone = ids_of(tok, context);
  row.context_len = std::min<std::int64_t>(static_cast<std::int64_t>(alone.size()),
                                           static_cast<std::int64_t>(row.ids.size()));
  row.context_prefix = std::equal(alone.begin(), alone.begin() + row.context_len, row.ids.begin()) &&
                       row.context_len == static_cast<std::int64_t>(alone.size());
  row.target_len = static_cast<std::int64_t>(row.ids.size()) - row.context_len;
  const std::int64_t over = static_cast<std::int64_t>(row.ids.size()) - limit;
  if (over > 0) {
    row.ids.erase(row.ids.begin(), row.ids.begin() + over);
    row.context_len = std::max<std::int64_t>(0, row.context_len - over);
    row.context_prefix = false;
    row.target_len = static_cast<std::int64_t>(row.ids.size()) - row.context_len;
  }
  return row;
}

// Right-padded (B, T) tensor of the given sequences.
torch::Tensor pad_batch(const std::vector<std::vector<std::int64_t>>& seqs, std::int64_t T) {
  auto out = torch::full({static_cast<std::int64_t>(seqs.size()), T}, static_cast<std::int64_t>('\n'), torch::kInt64);
  auto a = out.accessor<std::int64_t, 2>();
  for (std::size_t i = 0; i < seqs.size(); ++i)
    for (std::size_t t = 0; t < seqs[i].size() && static_cast<std::int64_t>(t) < T; ++t) a[i][t] = seqs[i][t];
  return out;
}

// A batch of greedy generations: the right-padded tokens (B, width) and each
// row's progress. A row stops at a newline, after its own max_new tokens, or
// at the block size: exactly where it would stop generated alone, so a row's
// result does not depend on the rows it shares a batch with (nor on the eval
// batch size).
struct GreedyRows {
  torch::Tensor tokens;  // (B, width)
  std::vector<std::int64_t> len, limit;
  std::vector<bool> done;
  std::vector<Generation> out;
  std::int64_t width = 0;
  int steps = 0;  // the largest max_new

  const text::Tokenizer* tok = nullptr;

  GreedyRows(const text::Tokenizer& tokenizer, const std::vector<std::string>& contexts,
             const std::vector<int>& max_new, std::int64_t block_size)
      : tok(&tokenizer) {
    if (max_new.size() != contexts.size())
      throw std::invalid_argument("generation: " + std::to_string(max_new.size()) + " max_new values for " +
                                  std::to_string(contexts.size()) + " contexts");
    std::vector<std::vector<std::int64_t>> seqs;
    for (std::size_t i = 0; i < contexts.size(); ++i) {
      seqs.push_back(ids_of(tokenizer, contexts[i]));
      // Left-truncated to leave room for one new token within the block.
      if (static_cast<std::int64_t>(seqs.back().size()) >= block_size)
        seqs.back().erase(seqs.back().begin(), seqs.back().end() - (block_size - 1));
      len.push_back(static_cast<std::int64_t>(seqs.back().size()));
      limit.push_back(std::min<std::int64_t>(block_size, len.back() + std::max(0, max_new[i])));
      width = std::max(width, limit.back());
      steps = std::max(steps, max_new[i]);
      done.push_back(len.back() == 0);  // nothing to condition on: no generation
    }
    tokens = pad_batch(seqs, width);
    out.resize(contexts.size());
  }

  // Retires the rows at their limit; the longest live row's length (0: none).
  std::int64_t longest_live() {
    std::int64_t cur = 0;
    for (std::size_t i = 0; i < len.size(); ++i) {
      if (!done[i] && len[i] >= limit[i]) done[i] = true;
      if (!done[i]) cur = std::max(cur, len[i]);
    }
    return cur;
  }

  // Each live row takes its argmax token `next` (B,) with log-prob `chosen`
  // (B,); a token holding a newline ends the row (its log-prob counted, its
  // text up to the newline kept). Whether any row grew.
  bool take(const torch::Tensor& next, const torch::Tensor& chosen) {
    auto na = next.accessor<std::int64_t, 1>();
    auto ca = chosen.accessor<float, 1>();
    auto ta = tokens.accessor<std::int64_t, 2>();
    bool any = false;
    for (std::size_t i = 0; i < len.size(); ++i) {
      if (done[i]) continue;
      out[i].logprob += ca[i];
      const std::string& piece = tok->token_bytes(static_cast<text::TokenId>(na[i]));
      if (const auto nl = piece.find('\n'); nl != std::string::npos) {
        out[i].text.append(piece, 0, nl);
        done[i] = true;
        continue;
      }
      out[i].text += piece;
      ta[i][len[i]] = na[i];
      ++len[i];
      any = true;
    }
    return any;
  }
};

MetricValue metric_value(const char* name, const MetricStat& s, double random_baseline) {
  return {name, s.mean, s.std_err, s.n, random_baseline};
}

}  // namespace

const MetricValue& EvalResult::metric(const std::string& name) const {
  for (const auto& m : metrics)
    if (m.metric == name) return m;
  throw std::out_of_range("no metric " + name);
}

namespace {

// The columns of (B, V) scores that the tokenizer can decode: a model's
// embedding may have more rows than the tokenizer has ids (Pythia pads it), and
// greedy decoding picks among the ids it can turn into text. The
// log-probabilities stay normalised over every row, as the model computes them.
torch::Tensor tokenizer_ids(const torch::Tensor& scores, const LanguageModel& model) {
  const auto vocab = static_cast<std::int64_t>(model.tokens().vocab_size());
  return scores.size(-1) > vocab ? scores.narrow(-1, 0, vocab) : scores;  // (B, vocab)
}

}  // namespace

std::vector<Generation> generate_greedy_full_recompute(const LanguageModel& model,
                                                       const std::vector<std::string>& contexts,
                                                       const std::vector<int>& max_new) {
  torch::NoGradGuard no_grad;
  GreedyRows rows(model.tokens(), contexts, max_new, model.block_size);
  for (int step = 0; step < rows.steps; ++step) {
    const std::int64_t cur = rows.longest_live();
    if (cur == 0) break;
    auto logits = model.forward(rows.tokens.narrow(1, 0, cur));                                  // (B, cur, V)
    auto idx = torch::tensor(rows.len).clamp_max(cur) - 1;                                       // (B,)
    auto last = torch::log_softmax(logits.index({torch::arange(logits.size(0)), idx}), -1);     // (B, V)
    auto next = tokenizer_ids(last, model).argmax(-1);                                           // (B,)
    auto chosen = last.gather(1, next.unsqueeze(1)).squeeze(1);                                  // (B,)
    if (!rows.take(next, chosen)) break;
  }
  return rows.out;
}

std::vector<Generation> generate_greedy_full_recompute(const LanguageModel& model,
                                                       const std::vector<std::string>& contexts, int max_new) {
  return generate_greedy_full_recompute(model, contexts, std::vector<int>(contexts.size(), max_new));
}

namespace {

// Greedy decoding from a filled cache: `last` (B, V) holds each row's logits
// at its last context position (len - 1) and the cache (capacity rows.width)
// every context position's keys and values; whatever it holds beyond a row's
// position (padding, or the target tokens of a scoring pass) is masked out and
// then overwritten. Step for step the full recompute's tokens: each step feeds
// each row's newest token at that row's own position, so rows of different
// context lengths need no realignment.
std::vector<Generation> decode_from_cache(const LanguageModel& model, KVCache& cache, torch::Tensor last,
                                          GreedyRows& rows) {
  for (int step = 0; step < rows.steps; ++step) {
    if (rows.longest_live() == 0) break;
    auto logp = torch::log_softmax(last, -1);                     // (B, V)
    auto next = tokenizer_ids(logp, model).argmax(-1);            // (B,)
    auto chosen = logp.gather(1, next.unsqueeze(1)).squeeze(1);   // (B,)
    if (!rows.take(next, chosen) || step + 1 == rows.steps) break;
    // Each row's newest token (finished rows repeat their last one, harmlessly).
    auto pos = torch::tensor(rows.len) - 1;                                  // (B,)
    auto fresh = rows.tokens.gather(1, pos.unsqueeze(1));                    // (B, 1)
    last = model.incremental.forward(fresh, pos, cache).squeeze(1);         // (B, V)
  }
  return rows.out;
}

// The positions of right-padded context+target rows `tokens` (B, >= L+1),
// inputs narrowed to L, that predict a target token, and those tokens.
// Position t predicts token t+1: a row's are [context_len - 1, context_len +
// target_len - 1), from 0 where the context is empty (its first token has no
// prediction). Scoring needs these positions' logits alone.
struct TargetPositions {
  torch::Tensor at;                 // (B, L) bool
  torch::Tensor targets;            // (N,) int64, row-major as `at`
  std::vector<std::int64_t> first;  // B + 1 offsets: row i's targets are [first[i], first[i + 1])
};
TargetPositions target_positions(const torch::Tensor& tokens, const std::vector<PairRow>& pairs, std::int64_t L) {
  TargetPositions p;
  p.at = torch::zeros({static_cast<std::int64_t>(pairs.size()), L}, torch::kBool);  // (B, L)
  auto aa = p.at.accessor<bool, 2>();
  auto ta = tokens.accessor<std::int64_t, 2>();
  std::vector<std::int64_t> targets;
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    p.first.push_back(static_cast<std::int64_t>(targets.size()));
    const std::int64_t from = pairs[i].context_len - 1;
    for (std::int64_t k = std::max<std::int64_t>(0, -from); k < pairs[i].target_len; ++k) {
      aa[static_cast<std::int64_t>(i)][from + k] = true;
      targets.push_back(ta[static_cast<std::int64_t>(i)][from + k + 1]);
    }
  }
  p.first.push_back(static_cast<std::int64_t>(targets.size()));
  p.targets = torch::tensor(targets, torch::kInt64);  // (N,)
  return p;
}

// Sum over each row's target tokens of log p, from the (N, V) logits of the
// positions `p` marks (the fused log-softmax at the target: nothing of the
// logits' size is written).
std::vector<double> sum_target_logprobs(const torch::Tensor& logits, const TargetPositions& p) {
  std::vector<double> out(p.first.size() - 1, 0.0);
  if (p.targets.numel() == 0) return out;
  auto logp = target_logprobs(logits.contiguous(), p.targets).to(torch::kFloat32);  // (N,)
  auto a = logp.accessor<float, 1>();
  for (std::size_t i = 0; i + 1 < p.first.size(); ++i)
    for (std::int64_t n = p.first[i]; n < p.first[i + 1]; ++n) out[i] += a[n];
  return out;
}

}  // namespace

std::vector<Generation> generate_greedy(const LanguageModel& model, const std::vector<std::string>& contexts,
                                        const std::vector<int>& max_new) {
  GreedyRows rows(model.tokens(), contexts, max_new, model.block_size);
  const std::int64_t shortest = *std::min_element(rows.len.begin(), rows.len.end());
  const std::int64_t longest = *std::max_element(rows.len.begin(), rows.len.end());
  if (!model.incremental || shortest == 0 || longest >= model.block_size)
    return generate_greedy_full_recompute(model, contexts, max_new);
  torch::NoGradGuard no_grad;
  const std::int64_t B = static_cast<std::int64_t>(contexts.size());
  KVCache cache = model.incremental.new_cache(B, rows.width);
  auto logits = model.incremental.forward(rows.tokens.narrow(1, 0, longest), torch::zeros({B}, torch::kInt64),
                                          cache);  // (B, longest, V)
  auto idx = torch::tensor(rows.len) - 1;            // (B,)
  return decode_from_cache(model, cache, logits.index({torch::arange(B), idx}), rows);
}

std::vector<Generation> generate_greedy(const LanguageModel& model, const std::vector<std::string>& contexts,
                                        int max_new) {
  return generate_greedy(model, contexts, std::vector<int>(contexts.size(), max_new));
}

ScoredGenerations score_and_generate(const LanguageModel& model, const std::vector<std::string>& contexts,
                                     const std::vector<std::string>& targets, const std::vector<int>& max_new) {
  GreedyRows rows(model.tokens(), contexts, max_new, model.block_size);
  std::vector<PairRow> pairs;
  std::vector<std::vector<std::int64_t>> seqs;
  std::int64_t longest_pair = 0;
  bool empty = false;
  for (std::size_t i = 0; i < contexts.size(); ++i) {
    pairs.push_back(encode_pair(model.tokens(), contexts[i], targets[i], model.block_size + 1));
    seqs.push_back(pairs.back().ids);
    longest_pair = std::max<std::int64_t>(longest_pair, static_cast<std::int64_t>(seqs.back().size()));
    // The cached pass needs the row's context as generation sees it.
    empty = empty || !pairs.back().context_prefix || pairs.back().context_len != rows.len[i] ||
            pairs.back().context_len == 0 ||
            pairs.back().target_len == 0;
  }
  const std::int64_t scored = longest_pair - 1;  // positions the scoring pass runs over
  if (!model.incremental || empty || scored > model.block_size)
    return {target_logprob(model, contexts, targets), generate_greedy(model, contexts, max_new)};
  torch::NoGradGuard no_grad;
  // One pass over context + target (all but the last token) scores the
  // targets and fills the cache: by causality its keys and values at a row's
  // context positions are exactly the generation prefill's.
  const std::int64_t B = static_cast<std::int64_t>(contexts.size());
  auto tokens = pad_batch(seqs, longest_pair);  // (B, L + 1)
  const TargetPositions p = target_positions(tokens, pairs, scored);
  KVCache cache = model.incremental.new_cache(B, std::max(rows.width, scored));
  auto idx = tokens.narrow(1, 0, scored);          // (B, L)
  auto start = torch::zeros({B}, torch::kInt64);   // (B,)
  auto logits = model.incremental.forward_at ? model.incremental.forward_at(idx, start, cache, p.at)
                                             : model.incremental.forward(idx, start, cache).index({p.at});  // (N, V)
  ScoredGenerations out;
  out.target_logprob = sum_target_logprobs(logits, p);
  // A row's first target position is its last context position (len - 1:
  // this path has every context non-empty, its own encoding, and every target
  // non-empty), whose logits start the generation.
  auto firsts = torch::tensor(std::vector<std::int64_t>(p.first.begin(), p.first.end() - 1), torch::kInt64);  // (B,)
  out.generations = decode_from_cache(model, cache, logits.index_select(0, firsts), rows);  // from (B, V)
  return out;
}

std::vector<double> target_logprob(const LanguageModel& model, const std::vector<std::string>& contexts,
                                   const std::vector<std::string>& targets) {
  torch::NoGradGuard no_grad;
  std::vector<PairRow> pairs;
  std::vector<std::vector<std::int64_t>> seqs;
  std::int64_t longest = 0;
  for (std::size_t i = 0; i < contexts.size(); ++i) {
    pairs.push_back(encode_pair(model.tokens(), contexts[i], targets[i], model.block_size + 1));
    seqs.push_back(pairs.back().ids);
    longest = std::max<std::int64_t>(longest, static_cast<std::int64_t>(seqs.back().size()));
  }
  if (longest < 2) return std::vector<double>(pairs.size(), 0.0);  // no position predicts a target token
  auto tokens = pad_batch(seqs, longest);  // (B, L + 1)
  const TargetPositions p = target_positions(tokens, pairs, longest - 1);
  if (p.targets.numel() == 0) return std::vector<double>(pairs.size(), 0.0);
  auto idx = tokens.narrow(1, 0, longest - 1);  // (B, L)
  auto logits = model.forward_at ? model.forward_at(idx, p.at) : model.forward(idx).index({p.at});  // (N, V)
  return sum_target_logprobs(logits, p);
}

EvalResult evaluate(const LanguageModel& model, const Task& task, PromptStyle style, const EvalSpec& eval,
                    int seq_len, std::uint64_t /*sweep_seed: the task holds it*/, const std::function<void()>& check,
                    const Collectives* group) {
  const auto queries = task.eval_examples(eval.examples, style == PromptStyle::Cot);
  const bool shots = style == PromptStyle::FewShot || style == PromptStyle::Cot;
  const int k = shots ? eval.few_shot_k : 0;
  std::vector<Prompt> prompts;
  for (std::size_t i = 0; i < queries.size(); ++i) {
    const auto exemplars = task.exemplars(static_cast<int>(i), k, style == PromptStyle::Cot);
    prompts.push_back(render_prompt(task, style, queries[i], exemplars, seq_len));
  }
  const bool choices = !prompts.front().choices.empty();
  // A task file's examples are graded under BIG-bench's names too; BLEU and
  // ROUGE only where the file's metrics ask for them.
  const bool file = graded_as_task_file(prompts.front());
  auto file_asks = [&](const char* metric) {
    return task.file() && std::find(task.file()->metrics.begin(), task.file()->metrics.end(), metric) !=
                              task.file()->metrics.end();
  };
  const bool bleu = file && !choices && file_asks("bleu"), rouge = file && !choices && file_asks("rouge");
  const std::size_t n_ex = prompts.size();
  const int ranks = group ? group->size() : 1, me = group ? group->rank() : 0;

  // Per-example values, one slot per example, filled by the rank that ran its
  // batch (batches are dealt round-robin over the group; each batch is computed
  // exactly as one rank alone computes it), then summed over the group: every
  // other rank's slot is 0, so the sums are exact and the metrics identical.
  // BLEU is a corpus statistic: its columns are each example's summable
  // share of sacrebleu's counts (BleuStats), not a per-example score.
  enum Column { Correct, CorrectNorm, Edit, Logprob, SeqLogprob, Brier, Confidence, Chance, InverseOptions,
                TargetTokens, StrMatch, StrMatchChance, McGrade, McGradeChance, Rouge1, Rouge2, RougeLsum,
                BleuCorrect, BleuTotal = BleuCorrect + 4, BleuSysLen = BleuTotal + 4, BleuRefLen, kColumns };
  std::vector<double> values(kColumns * n_ex, 0.0);
  auto at = [&](Column c, std::size_t i) -> double& { return values[c * n_ex + i]; };
  auto column = [&](Column c) {
    return std::vector<double>(values.begin() + static_cast<std::ptrdiff_t>(c * n_ex),
                               values.begin() + static_cast<std::ptrdiff_t>((c + 1) * n_ex));
  };

  EvalResult result;
  const std::size_t batch = static_cast<std::size_t>(eval.batch_size);
  for (std::size_t from = 0, b = 0; from < n_ex; from += batch, ++b) {
    if (check) check();  // on every rank for every batch: a group agrees on stopping
    if (static_cast<int>(b % static_cast<std::size_t>(ranks)) != me) continue;
    const std::size_t to = std::min(n_ex, from + batch);
    std::vector<std::string> contexts, targets;
    for (std::size_t i = from; i < to; ++i) {
      contexts.push_back(prompts[i].context);
      targets.push_back(prompts[i].target);
    }
    std::vector<double> lp;
    if (!choices) {
      std::vector<int> max_new;  // room for the target and the newline after it
      for (std::size_t i = from; i < to; ++i) {
        std::size_t longest = targets[i - from].size();  // any accepted answer may be generated in full
        for (const auto& a : prompts[i].answers) longest = std::max(longest, a.size());
        max_new.push_back(static_cast<int>(longest) + 1);  // bytes >= tokens
      }
      auto scored = score_and_generate(model, contexts, targets, max_new);
      lp = std::move(scored.target_logprob);
      const auto& generated = scored.generations;
      for (std::size_t i = from; i < to; ++i) {
        const Prompt& p = prompts[i];
        const std::string answer = extract_answer(style, generated[i - from].text);
        const bool accepted =
            answer == p.answer || std::find(p.answers.begin(), p.answers.end(), answer) != p.answers.end();
        at(Correct, i) = accepted ? 1.0 : 0.0;
        at(Edit, i) = normalised_edit_distance(answer, p.answer);
        at(Confidence, i) = std::exp(generated[i - from].logprob);
        at(Chance, i) = task.chance(queries[i]);
        if (file) {
          const GenerationGrade g = grade_generation(p, generated[i - from].text);
          const std::vector<std::string> references =
              p.answers.empty() ? std::vector<std::string>{p.answer} : p.answers;
          at(StrMatch, i) = g.exact_str_match;
          at(StrMatchChance, i) = exact_str_match_baseline(p);
          if (bleu) {
            const BleuStats st = bleu_stats(g.prediction, references);
            for (int n = 0; n < 4; ++n) {
              at(static_cast<Column>(BleuCorrect + n), i) = st.correct[n];
              at(static_cast<Column>(BleuTotal + n), i) = st.total[n];
            }
            at(BleuSysLen, i) = st.sys_len;
            at(BleuRefLen, i) = st.ref_len;
          }
          if (rouge) {
            const RougeScores r = rouge_best(references, g.prediction);
            at(Rouge1, i) = r.rouge1;
            at(Rouge2, i) = r.rouge2;
            at(RougeLsum, i) = r.rougeLsum;
          }
        }
        if (i == 0) result.example_output = generated[0].text;
      }
    } else {
      lp = target_logprob(model, contexts, targets);
      // Every option of every prompt in one forward batch: (sum of options) rows.
      std::vector<std::string> option_contexts, options;
      for (std::size_t i = from; i < to; ++i)
        for (const auto& c : prompts[i].choices) {
          option_contexts.push_back(prompts[i].context);
          options.push_back(c);
        }
      const auto ll = target_logprob(model, option_contexts, options);
      std::size_t first = 0;
      for (std::size_t i = from; i < to; ++i) {
        const Prompt& p = prompts[i];
        const std::size_t K = p.choices.size();
        std::vector<double> mine(ll.begin() + static_cast<std::ptrdiff_t>(first),
                                 ll.begin() + static_cast<std::ptrdiff_t>(first + K));
        std::vector<std::size_t> lengths;
        for (const auto& c : p.choices) lengths.push_back(c.size());
        first += K;
        const ChoiceScore s = score_choices(mine, lengths, p.gold);
        at(Correct, i) = s.correct;
        at(CorrectNorm, i) = s.correct_norm;
        at(Brier, i) = s.brier;
        at(Confidence, i) = s.confidence;
        at(InverseOptions, i) = 1.0 / static_cast<double>(K);
        if (file) {
          at(McGrade, i) = grade_choices(p, mine);
          at(McGradeChance, i) = multiple_choice_grade_baseline(p);
        }
        if (i == 0)
          result.example_output =
              p.choices[static_cast<std::size_t>(std::max_element(mine.begin(), mine.end()) - mine.begin())];
      }
    }
    for (std::size_t i = from; i < to; ++i) {
      const double n_tok = static_cast<double>(std::max<std::int64_t>(
          1, encode_pair(model.tokens(), prompts[i].context, prompts[i].target, model.block_size + 1).target_len));
      at(Logprob, i) = lp[i - from] / n_tok;
      at(SeqLogprob, i) = lp[i - from];
      at(TargetTokens, i) = n_tok;
    }
  }
  if (group) group->sum(values);

  auto total = [&](Column c) {
    double sum = 0.0;
    for (std::size_t i = 0; i < n_ex; ++i) sum += at(c, i);
    return sum;
  };
  const double n = static_cast<double>(n_ex);
  result.example_context = prompts.front().context;
  result.example_target = prompts.front().target;
  const auto correct = column(Correct);
  if (!choices) {
    result.metrics.push_back(metric_value("exact_match", mean_stat(correct), total(Chance) / n));
    result.metrics.push_back(metric_value("edit_distance", mean_stat(column(Edit)), 1.0));
  } else {
    const double inverse_options = total(InverseOptions);
    result.metrics.push_back(metric_value("mc_accuracy", mean_stat(correct), inverse_options / n));
    result.metrics.push_back(metric_value("mc_accuracy_norm", mean_stat(column(CorrectNorm)), inverse_options / n));
    result.metrics.push_back(metric_value("brier", mean_stat(column(Brier)), 1.0 - inverse_options / n));
  }
  if (file && !choices) {
    result.metrics.push_back(metric_value("exact_str_match", mean_stat(column(StrMatch)), total(StrMatchChance) / n));
    if (bleu) {
      BleuStats corpus;
      for (int k = 0; k < 4; ++k) {
        corpus.correct[k] = total(static_cast<Column>(BleuCorrect + k));
        corpus.total[k] = total(static_cast<Column>(BleuTotal + k));
      }
      corpus.sys_len = total(BleuSysLen);
      corpus.ref_len = total(BleuRefLen);
      // A corpus score, not a mean of per-example terms: no standard error.
      result.metrics.push_back({"bleu", bleu_score(corpus), 0.0, static_cast<std::int64_t>(n_ex), 0.0});
    }
    if (rouge) {
      result.metrics.push_back(metric_value("rouge1", mean_stat(column(Rouge1)), 0.0));
      result.metrics.push_back(metric_value("rouge2", mean_stat(column(Rouge2)), 0.0));
      result.metrics.push_back(metric_value("rougeLsum", mean_stat(column(RougeLsum)), 0.0));
    }
  }
  if (file && choices)
    result.metrics.push_back(
        metric_value("multiple_choice_grade", mean_stat(column(McGrade)), total(McGradeChance) / n));
  const double uniform = uniform_loss(static_cast<std::int64_t>(model.tokens().vocab_size()));
  result.metrics.push_back(metric_value("logprob", mean_stat(column(Logprob)), -uniform));
  result.metrics.push_back(metric_value("seq_logprob", mean_stat(column(SeqLogprob)), -uniform * total(TargetTokens) / n));
  result.metrics.push_back(metric_value("ece", expected_calibration_error(column(Confidence), correct), 0.0));
  return result;
}

}  // namespace sweep
