// SPDX-License-Identifier: MIT
#include "sim/network/edge_list.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include <sys/mman.h>
#include <zlib.h>

#include "sim/error.hpp"
#include "sim/random.hpp"

namespace wom {
namespace {

/// Read block size: large enough that per-call and per-block overhead vanish.
constexpr std::size_t kBlock = std::size_t{1} << 22;

/// Sequential reader of a plain or gzip-compressed file in large blocks.
class BlockReader {
 public:
  explicit BlockReader(const std::filesystem::path& path) : name_(path.string()) {
    gz_ = path.extension() == ".gz";
    errno = 0;
    if (gz_) {
      gz_file_ = gzopen(name_.c_str(), "rb");
      if (gz_file_ == nullptr) fail_open();
      gzbuffer(gz_file_, 1u << 20);
    } else {
      file_ = std::fopen(name_.c_str(), "rb");
      if (file_ == nullptr) fail_open();
    }
  }
  ~BlockReader() {
    if (gz_file_) gzclose_r(gz_file_);
    if (file_) std::fclose(file_);
  }
  BlockReader(const BlockReader&) = delete;
  BlockReader& operator=(const BlockReader&) = delete;

  /// Reads up to `max` bytes into `out`; 0 means the end of the data, checked to be a
  /// clean end (a truncated gzip stream or a read error throws IoError instead).
  std::size_t read(char* out, std::size_t max) {
    if (!gz_) {
      const std::size_t got = std::fread(out, 1, max, file_);
      if (got == 0 && std::ferror(file_)) throw IoError(name_ + ": read error: " + std::strerror(errno));
      return got;
    }
    const int got = gzread(gz_file_, out, static_cast<unsigned>(max));
    if (got < 0) corrupt();
    // zlib reads a non-gzip file transparently; a .gz name promises compression, so a file
    // that is not gzip (e.g. cut inside its header) is as broken as a truncated one.
    if (gzdirect(gz_file_)) {
      throw IoError(name_ + ": not a gzip stream (the file ends in .gz but has no gzip header)");
    }
    if (got == 0) {
      // A stream cut short ends "cleanly" from gzread's view; zlib records Z_BUF_ERROR
      // ("unexpected end of file"), which gzclose_r reports too.
      int code = Z_OK;
      gzerror(gz_file_, &code);
      const int close_code = gzclose_r(gz_file_);
      gz_file_ = nullptr;
      if (code == Z_BUF_ERROR || close_code == Z_BUF_ERROR || (code != Z_OK && code != Z_STREAM_END)) corrupt();
    }
    return static_cast<std::size_t>(got);
  }

 private:
  [[noreturn]] void fail_open() const {
    const int err = errno;
    throw IoError(name_ + ": cannot open edge list" + (err ? std::string(": ") + std::strerror(err) : std::string()));
  }
  [[noreturn]] void corrupt() const { throw IoError(name_ + ": truncated or corrupt gzip stream"); }

  std::string name_;
  bool gz_ = false;
  gzFile gz_file_ = nullptr;
  std::FILE* file_ = nullptr;
};

/// Asks for transparent huge pages on a large fresh allocation (before it is touched):
/// random probes into a table of hundreds of MB otherwise miss the TLB as well as the cache.
void advise_huge_pages(void* data, std::size_t bytes) {
  constexpr std::uintptr_t kHuge = std::uintptr_t{1} << 21;
  const auto begin = (reinterpret_cast<std::uintptr_t>(data) + kHuge - 1) & ~(kHuge - 1);
  const auto end = (reinterpret_cast<std::uintptr_t>(data) + bytes) & ~(kHuge - 1);
  if (end > begin) ::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);  // a hint only
}

/// Maps arbitrary 64-bit input ids to dense ids in order of first appearance. Open
/// addressing with linear probing at load <= 1/2: one probe, i.e. one cache miss, in the
/// common case (key and value share a slot), and no allocation per id (std::unordered_map
/// allocates a node per entry).
class IdMap {
 public:
  IdMap() { rehash(std::size_t{1} << 16); }

  /// Dense id of `label`, assigning the next one if it is new; kNoNode once 2^32 - 1 ids
  /// are taken (NodeId is 32-bit, with kNoNode kept as the sentinel).
  NodeId intern(std::uint64_t label) {
    std::size_t i = mix64(label) & mask_;
    for (;;) {
      const Slot& slot = slots_[i];
      if (slot.value == kNoNode) break;
      if (slot.key == label) return slot.value;
      i = (i + 1) & mask_;
    }
    const auto id = static_cast<NodeId>(labels_.size());
    if (id == kNoNode) return kNoNode;
    slots_[i] = Slot{label, id};
    labels_.push_back(label);
    if (2 * labels_.size() > slots_.size()) rehash(2 * slots_.size());
    return id;
  }
  /// Hints that `label` will be looked up soon.
  void prefetch(std::uint64_t label) const noexcept { __builtin_prefetch(&slots_[mix64(label) & mask_]); }
  [[nodiscard]] std::size_t size() const noexcept { return labels_.size(); }
  std::vector<std::uint64_t> take_labels() { return std::move(labels_); }

 private:
  struct Slot {
    std::uint64_t key;
    NodeId value;
  };

  void rehash(std::size_t capacity) {
    slots_ = std::vector<Slot>();
    slots_.reserve(capacity);
    advise_huge_pages(slots_.data(), capacity * sizeof(Slot));
    slots_.assign(capacity, Slot{0, kNoNode});
    mask_ = capacity - 1;
    for (std::size_t id = 0; id < labels_.size(); ++id) {
      std::size_t i = mix64(labels_[id]) & mask_;
      while (slots_[i].value != kNoNode) i = (i + 1) & mask_;
      slots_[i] = Slot{labels_[id], static_cast<NodeId>(id)};
    }
  }

  std::vector<Slot> slots_;
  std::vector<std::uint64_t> labels_;
  std::size_t mask_ = 0;
};

constexpr bool is_space(char c) noexcept { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'; }
constexpr bool is_separator(char c) noexcept { return is_space(c) || c == ','; }

/// Parses lines into an edge buffer, keeping what error messages need (file, line number).
class LineParser {
 public:
  LineParser(std::string name, const EdgeListOptions& options) : name_(std::move(name)), options_(options) {
    raw_.reserve(kBatch);
  }

  void parse(const char* begin, const char* end) {
    ++line_;
    const char* p = begin;
    while (p != end && is_space(*p)) ++p;
    if (p == end || *p == '#' || *p == '%') return;

    std::string_view tokens[3];
    int count = 0;
    while (p != end && count < 3) {
      const char* t = p;
      while (p != end && !is_separator(*p)) ++p;
      tokens[count++] = std::string_view(t, static_cast<std::size_t>(p - t));
      while (p != end && is_separator(*p)) ++p;
    }
    if (count < 2) fail(begin, end, "expected two agent ids (tail head), found");
    raw_.push_back(parse_id(tokens[0], begin, end));
    raw_.push_back(parse_id(tokens[1], begin, end));
    if (raw_.size() == kBatch) flush();

    if (!options_.read_weights) return;
    const bool has_weight = count == 3;
    if (first_edge_line_ == 0) {
      first_edge_line_ = line_;
      weighted_ = has_weight;
    } else if (has_weight != weighted_) {
      fail(begin, end,
           std::string(has_weight ? "has a weight (third column) but" : "has no weight (third column) but") +
               " line " + std::to_string(first_edge_line_) +
               " has " + (weighted_ ? "one" : "none") + "; give every edge a weight or none:");
    }
    if (!has_weight) return;
    float w = 0;
    const auto [ptr, ec] = std::from_chars(tokens[2].data(), tokens[2].data() + tokens[2].size(), w);
    if (ec != std::errc{} || ptr != tokens[2].data() + tokens[2].size() || !std::isfinite(w)) {
      fail(begin, end, "expected a finite number as weight (third column), found");
    }
    edges_.weights.push_back(w);
  }

  /// All edges parsed so far, ids remapped.
  [[nodiscard]] EdgeBuffer& edges() {
    flush();
    return edges_;
  }
  [[nodiscard]] IdMap& ids() {
    flush();
    return ids_;
  }

 private:
  /// Ids are mapped in batches: the map is far larger than the caches, so each lookup is a
  /// cache (and TLB) miss, and prefetching a few lookups ahead overlaps them. Mapping in file
  /// order keeps ids in order of first appearance.
  static constexpr std::size_t kBatch = 2048;      // raw ids (tail, head, tail, ...)
  static constexpr std::size_t kPrefetchAhead = 16;

  void flush() {
    const std::size_t count = raw_.size();
    for (std::size_t i = 0; i < std::min(count, kPrefetchAhead); ++i) ids_.prefetch(raw_[i]);
    for (std::size_t i = 0; i < count; i += 2) {
      if (i + kPrefetchAhead < count) ids_.prefetch(raw_[i + kPrefetchAhead]);
      if (i + 1 + kPrefetchAhead < count) ids_.prefetch(raw_[i + 1 + kPrefetchAhead]);
      const NodeId tail = ids_.intern(raw_[i]);
      const NodeId head = ids_.intern(raw_[i + 1]);
      if (tail == kNoNode || head == kNoNode) {
        throw InputError(name_ + ": more than " + std::to_string(kNoNode) + " distinct agent ids");
      }
      edges_.add(tail, head);
    }
    raw_.clear();
  }

  std::uint64_t parse_id(std::string_view token, const char* begin, const char* end) const {
    std::uint64_t value = 0;
    const auto [ptr, ec] = std::from_chars(token.data(), token.data() + token.size(), value);
    if (ec == std::errc::result_out_of_range) fail(begin, end, "agent id beyond 2^64 - 1 in");
    if (ec != std::errc{} || ptr != token.data() + token.size()) {
      fail(begin, end, "expected an unsigned integer agent id, found");
    }
    return value;
  }

  /// Throws "FILE:LINE: what 'line text'" with the text cut to 80 characters.
  [[noreturn]] void fail(const char* begin, const char* end, const std::string& what) const {
    while (end != begin && (end[-1] == '\r' || end[-1] == '\n')) --end;
    std::string text(begin, static_cast<std::size_t>(std::min<std::ptrdiff_t>(end - begin, 80)));
    if (end - begin > 80) text += "...";
    throw InputError(name_ + ":" + std::to_string(line_) + ": " + what + " '" + text + "'");
  }

  std::string name_;
  EdgeListOptions options_;
  std::uint64_t line_ = 0;
  std::uint64_t first_edge_line_ = 0;
  bool weighted_ = false;
  IdMap ids_;
  EdgeBuffer edges_;
  std::vector<std::uint64_t> raw_;  // ids parsed but not yet mapped
};

}  // namespace

Graph read_edge_list(const std::filesystem::path& path, const EdgeListOptions& options, BuildReport* report) {
  const std::string name = path.string();
  BlockReader reader(path);
  LineParser parser(name, options);

  // Complete lines are parsed straight from the block; a line cut by the block end is moved
  // to the front and completed by the next read. The buffer only grows for a line longer
  // than a whole block.
  std::vector<char> buffer(kBlock);
  std::size_t pending = 0;  // bytes of an incomplete line at the front of the buffer
  for (;;) {
    if (pending == buffer.size()) buffer.resize(2 * buffer.size());
    const std::size_t got = reader.read(buffer.data() + pending, buffer.size() - pending);
    if (got == 0) {
      if (pending > 0) parser.parse(buffer.data(), buffer.data() + pending);  // last line, no '\n'
      break;
    }
    const char* p = buffer.data();
    const char* const end = buffer.data() + pending + got;
    while (const void* nl = std::memchr(p, '\n', static_cast<std::size_t>(end - p))) {
      const char* const line_end = static_cast<const char*>(nl);
      parser.parse(p, line_end);
      p = line_end + 1;
    }
    pending = static_cast<std::size_t>(end - p);
    std::memmove(buffer.data(), p, pending);
  }

  if (parser.edges().size() == 0) throw InputError(name + ": no edges");
  const auto n = static_cast<NodeId>(parser.ids().size());
  std::vector<std::uint64_t> labels = parser.ids().take_labels();
  Graph g = Graph::from_edges(n, std::move(parser.edges()), options.directed, report);
  // Ids that are already 0..N-1 in order need no map (Graph::label treats empty as identity).
  bool identity = true;
  for (std::size_t i = 0; i < labels.size() && identity; ++i) identity = labels[i] == i;
  if (!identity) g.set_labels(std::move(labels));
  return g;
}

}  // namespace wom
