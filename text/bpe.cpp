// BPE encoding as the tokenizers crate's Word::merge_all: a heap of adjacent
// pairs ordered by (rank, position) over a linked list of symbols, so a word
// of n characters costs O(n log n); stale heap entries are skipped on pop.
#include "text/bpe.hpp"

#include <cstdio>
#include <functional>
#include <queue>

#include <nlohmann/json.hpp>

#include "text/json_util.hpp"
#include "text/utf8.hpp"

namespace sweep::text {
namespace {

std::uint64_t pair_key(TokenId a, TokenId b) { return (static_cast<std::uint64_t>(a) << 32) | b; }

struct Symbol {
  TokenId id;
  int prev, next;
  bool alive;
};

struct Candidate {
  std::uint32_t rank;
  int pos;
  TokenId new_id;
  // std::priority_queue is a max-heap: "greater" means popped later.
  bool operator<(const Candidate& o) const { return rank != o.rank ? rank > o.rank : pos > o.pos; }
};

}  // namespace

void Bpe::MergeTable::reserve(std::size_t n) {
  std::size_t cap = 16;
  int bits = 4;
  while (cap < 2 * n) {
    cap *= 2;
    ++bits;
  }
  keys_.assign(cap, kEmpty);
  values_.assign(cap, Merge{0, 0});
  mask_ = cap - 1;
  shift_ = 64 - bits;
  size_ = 0;
}

void Bpe::MergeTable::set(std::uint64_t key, Merge m) {
  if (2 * (size_ + 1) > keys_.size()) {
    // Grow: rehash everything into a table twice as large.
    std::vector<std::uint64_t> old_keys = std::move(keys_);
    std::vector<Merge> old_values = std::move(values_);
    reserve(old_keys.size());
    for (std::size_t i = 0; i < old_keys.size(); ++i)
      if (old_keys[i] != kEmpty) set(old_keys[i], old_values[i]);
  }
  std::size_t i = slot(key);
  while (keys_[i] != kEmpty && keys_[i] != key) i = (i + 1) & mask_;
  if (keys_[i] == kEmpty) ++size_;
  keys_[i] = key;
  values_[i] = m;
}

Bpe::Bpe(const nlohmann::json& model) : cache_(new CacheShard[kShards]) {
  const std::string type = component_type(model, "model");
  if (type != "BPE") unsupported("model", type, "BPE");
  prefix_ = string_field(model, "continuing_subword_prefix", "");
  suffix_ = string_field(model, "end_of_word_suffix", "");
  if (model.contains("dropout") && model["dropout"].is_number() && model["dropout"].get<double>() != 0.0)
    throw TokenizerError("model BPE option \"dropout\" is not supported (ids would be random)");
  byte_fallback_ = bool_field(model, "byte_fallback", false);
  fuse_unk_ = bool_field(model, "fuse_unk", false);
  ignore_merges_ = bool_field(model, "ignore_merges", false);

  if (!model.contains("vocab") || !model["vocab"].is_object())
    throw TokenizerError("model BPE has no \"vocab\" object");
  const auto& vocab = model["vocab"];
  vocab_.reserve(vocab.size() * 2);
  for (auto it = vocab.begin(); it != vocab.end(); ++it) {
    if (!it.value().is_number_unsigned()) throw TokenizerError("model vocab entry \"" + it.key() + "\" has no id");
    const auto id = it.value().get<TokenId>();
    vocab_[it.key()] = id;
    if (id >= id_to_token_.size()) {
      id_to_token_.resize(id + 1);
      has_id_.resize(id + 1, false);
    }
    id_to_token_[id] = it.key();
    has_id_[id] = true;
  }

  const std::string unk = string_field(model, "unk_token", "");
  if (!unk.empty()) {
    auto it = vocab_.find(unk);
    if (it == vocab_.end()) throw TokenizerError("model unk_token \"" + unk + "\" is not in the vocabulary");
    unk_ = it->second;
  }
  char_ids_.assign(0x10000, -1);
  for (const auto& [token, id] : vocab_) {
    if (token.empty() || utf8_length(static_cast<unsigned char>(token[0])) != token.size()) continue;
    std::size_t i = 0;
    const char32_t cp = next_code_point(token, i);
    if (cp < 0x10000) char_ids_[cp] = static_cast<std::int32_t>(id);
  }
  for (int b = 0; b < 256; ++b) {
    char name[8];
    std::snprintf(name, sizeof name, "<0x%02X>", b);
    auto it = vocab_.find(name);
    byte_ids_[b] = it == vocab_.end() ? -1 : static_cast<std::int64_t>(it->second);
  }

  if (model.contains("merges") && !model["merges"].is_null()) {
    const auto& merges = model["merges"];
    if (!merges.is_array()) throw TokenizerError("model BPE \"merges\" is not an array");
    merges_.reserve(merges.size());
    std::uint32_t rank = 0;
    for (const auto& m : merges) {
      std::string a, b;
      if (m.is_string()) {
        // The old form "a b": exactly one space separates the two tokens.
        const std::string& s = m.get_ref<const std::string&>();
        const auto space = s.find(' ');
        if (space == std::string::npos || s.find(' ', space + 1) != std::string::npos)
          throw TokenizerError("merge " + std::to_string(rank) + " \"" + s + "\" is not two tokens");
        a = s.substr(0, space);
        b = s.substr(space + 1);
      } else if (m.is_array() && m.size() == 2 && m[0].is_string() && m[1].is_string()) {
        a = m[0].get<std::string>();
        b = m[1].get<std::string>();
      } else {
        throw TokenizerError("merge " + std::to_string(rank) + " is neither \"a b\" nor [\"a\", \"b\"]");
      }
      // The merged token drops b's continuing prefix ("a" + "##b" = "ab"); the
      // crate cuts prefix-length bytes from b whatever they are.
      if (b.size() < prefix_.size())
        throw TokenizerError("merge " + std::to_string(rank) + " (\"" + a + "\", \"" + b +
                             "\"): the second token is shorter than continuing_subword_prefix");
      const auto ia = vocab_.find(a), ib = vocab_.find(b), iab = vocab_.find(a + b.substr(prefix_.size()));
      if (ia == vocab_.end() || ib == vocab_.end() || iab == vocab_.end())
        throw TokenizerError("merge " + std::to_string(rank) + " (\"" + a + "\", \"" + b +
                             "\") names a token that is not in the vocabulary");
      // Later duplicates win, as in the crate's HashMap collect.
      merges_.set(pair_key(ia->second, ib->second), Merge{rank, iab->second});
      ++rank;
    }
  }
}

Bpe::~Bpe() = default;

std::optional<TokenId> Bpe::token_to_id(const std::string& token) const {
  auto it = vocab_.find(token);
  if (it == vocab_.end()) return std::nullopt;
  return it->second;
}

const std::string* Bpe::id_to_token(TokenId id) const {
  if (id >= id_to_token_.size() || !has_id_[id]) return nullptr;
  return &id_to_token_[id];
}

void Bpe::tokenize(std::string_view word, std::vector<TokenId>& out) const {
  if (word.empty()) return;
  std::string key(word);
  if (ignore_merges_) {
    auto it = vocab_.find(key);
    if (it != vocab_.end()) {
      out.push_back(it->second);
      return;
    }
  }
  const bool cacheable = word.size() < kMaxCachedWord;
  CacheShard& shard = cache_[std::hash<std::string>{}(key) % kShards];
  if (cacheable) {
    std::lock_guard<std::mutex> lock(shard.mutex);
    auto it = shard.words.find(key);
    if (it != shard.words.end()) {
      out.insert(out.end(), it->second.begin(), it->second.end());
      return;
    }
  }
  std::vector<TokenId> ids;
  merge_word(word, ids);
  out.insert(out.end(), ids.begin(), ids.end());
  if (cacheable) {
    std::lock_guard<std::mutex> lock(shard.mutex);
    if (shard.words.size() >= kShardCapacity) shard.words.clear();
    shard.words.emplace(std::move(key), std::move(ids));
  }
}

void Bpe::merge_word(std::string_view word, std::vector<TokenId>& out) const {
  std::vector<Symbol> symbols;
  symbols.reserve(word.size());
  auto add = [&](TokenId id) {
    const int n = static_cast<int>(symbols.size());
    symbols.push_back({id, n - 1, -1, true});
    if (n > 0) symbols[n - 1].next = n;
  };
  // The crate's merge_word, including its quirk that a pending (fused) unk is
  // emitted only when the next vocabulary character comes, after any
  // byte-fallback tokens in between.
  std::int64_t pending_unk = -1;
  std::size_t i = 0;
  std::string ch;
  while (i < word.size()) {
    const std::size_t n = std::min(utf8_length(static_cast<unsigned char>(word[i])), word.size() - i);
    const std::string_view piece = word.substr(i, n);
    // Affixes mark a character's place in the word (WordPiece-style BPE).
    const bool prefixed = i > 0 && !prefix_.empty(), suffixed = i + n == word.size() && !suffix_.empty();
    std::int64_t id = -1;
    std::size_t at = 0;
    const char32_t cp = next_code_point(piece, at);
    if (!prefixed && !suffixed && cp < 0x10000 && at == n) {
      id = char_ids_[cp];
    } else {
      ch.assign(prefixed ? prefix_ : std::string());
      ch.append(piece);
      if (suffixed) ch.append(suffix_);
      auto it = vocab_.find(ch);
      if (it != vocab_.end()) id = it->second;
    }
    if (id >= 0) {
      if (pending_unk >= 0) {
        add(static_cast<TokenId>(pending_unk));
        pending_unk = -1;
      }
      add(static_cast<TokenId>(id));
      i += n;
      continue;
    }
    // Byte fallback spells the affixed string, affixes included, as the crate does.
    ch.assign(prefixed ? prefix_ : std::string());
    ch.append(piece);
    if (suffixed) ch.append(suffix_);
    i += n;
    if (byte_fallback_) {
      bool all = true;
      for (unsigned char c : ch) all = all && byte_ids_[c] >= 0;
      if (all) {
        for (unsigned char c : ch) add(static_cast<TokenId>(byte_ids_[c]));
        continue;
      }
    }
    if (unk_) {
      if (pending_unk >= 0 && !fuse_unk_) add(static_cast<TokenId>(pending_unk));
      pending_unk = *unk_;
    }
  }
  if (pending_unk >= 0) add(static_cast<TokenId>(pending_unk));

  std::priority_queue<Candidate> heap;
  auto push_pair = [&](int pos) {
    const int next = symbols[pos].next;
    if (next < 0) return;
    if (const Merge* m = merges_.find(pair_key(symbols[pos].id, symbols[next].id)))
      heap.push({m->rank, pos, m->new_id});
  };
  for (int p = 0; p + 1 < static_cast<int>(symbols.size()); ++p) push_pair(p);
  while (!heap.empty()) {
    const Candidate top = heap.top();
    heap.pop();
    Symbol& left = symbols[top.pos];
    if (!left.alive || left.next < 0) continue;
    Symbol& right = symbols[left.next];
    const Merge* m = merges_.find(pair_key(left.id, right.id));
    if (!m || m->new_id != top.new_id) continue;
    left.id = top.new_id;
    right.alive = false;
    left.next = right.next;
    if (left.next >= 0) symbols[left.next].prev = top.pos;
    if (left.prev >= 0) push_pair(left.prev);
    push_pair(top.pos);
  }
  for (const Symbol& s : symbols)
    if (s.alive) out.push_back(s.id);
}

}  // namespace sweep::text
