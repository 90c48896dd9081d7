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
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>
#include <zlib.h>

#include "sim/error.hpp"
#include "sim/prefetch.hpp"
#include "sim/random.hpp"

namespace wom {
namespace {

/// Read block size: large enough that per-call and per-block overhead vanish.
constexpr std::size_t kBlock = std::size_t{1} << 22;
/// Pieces parsed in parallel are at least this large (small files parse as one piece), so
/// a block gives each of a few threads some pieces.
constexpr std::size_t kPieceBytes = std::size_t{1} << 19;

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
  void prefetch(std::uint64_t label) const noexcept { wom::prefetch(&slots_[mix64(label) & mask_]); }
  [[nodiscard]] std::size_t size() const noexcept { return labels_.size(); }
  /// The labels in id order; the map itself is freed (it is the reader's largest array, and
  /// the graph is built after it).
  std::vector<std::uint64_t> take_labels() {
    slots_ = std::vector<Slot>();
    return std::move(labels_);
  }

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

/// What one piece of complete lines parsed to, on a worker thread: ids not yet mapped,
/// weights, and what the in-order merge needs to continue the file's bookkeeping. `ok` is
/// false when some line is not a plain edge line the fast path accepts; the piece is then
/// parsed again by LineParser, which throws the exact message (file, line, text) a serial
/// read gives.
struct Piece {
  const char* begin = nullptr;
  const char* end = nullptr;
  std::vector<std::uint64_t> raw;  ///< tail, head, tail, head, ...
  std::vector<float> weights;
  std::uint64_t lines = 0;
  std::uint64_t first_edge_line = 0;  ///< within the piece, 1-based; 0 = no edge line
  bool weighted = false;              ///< whether that first edge line had a weight
  bool ok = true;
};

/// Parses the complete lines [piece.begin, piece.end) as LineParser::parse would, never
/// throwing: it accepts exactly the lines LineParser accepts with the same values (same
/// token rules, same std::from_chars calls), and gives up (ok = false) on anything else,
/// including a weight column that comes and goes within the piece.
void parse_piece(Piece& piece, bool read_weights) {
  const char* p = piece.begin;
  const char* const stop = piece.end;
  piece.raw.reserve(static_cast<std::size_t>(stop - p) / 8);
  while (p != stop) {
    const char* const nl = static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(stop - p)));
    const char* const end = nl ? nl : stop;
    ++piece.lines;
    const char* q = p;
    p = nl ? nl + 1 : stop;
    while (q != end && is_space(*q)) ++q;
    if (q == end || *q == '#' || *q == '%') continue;
    std::string_view tokens[3];
    int count = 0;
    while (q != end && count < 3) {
      const char* t = q;
      while (q != end && !is_separator(*q)) ++q;
      tokens[count++] = std::string_view(t, static_cast<std::size_t>(q - t));
      while (q != end && is_separator(*q)) ++q;
    }
    if (count < 2) { piece.ok = false; return; }
    std::uint64_t ids[2];
    for (int i = 0; i < 2; ++i) {
      const auto [ptr, ec] = std::from_chars(tokens[i].data(), tokens[i].data() + tokens[i].size(), ids[i]);
      if (ec != std::errc{} || ptr != tokens[i].data() + tokens[i].size()) { piece.ok = false; return; }
    }
    piece.raw.push_back(ids[0]);
    piece.raw.push_back(ids[1]);
    if (!read_weights) continue;
    const bool has_weight = count == 3;
    if (piece.first_edge_line == 0) {
      piece.first_edge_line = piece.lines;
      piece.weighted = has_weight;
    } else if (has_weight != piece.weighted) {
      piece.ok = false;
      return;
    }
    if (!has_weight) continue;
    float w = 0;
    const auto [ptr, ec] = std::from_chars(tokens[2].data(), tokens[2].data() + tokens[2].size(), w);
    if (ec != std::errc{} || ptr != tokens[2].data() + tokens[2].size() || !std::isfinite(w)) {
      piece.ok = false;
      return;
    }
    piece.weights.push_back(w);
  }
}

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

  /// Continues the file with a piece parsed by parse_piece: the same state as if its lines
  /// had gone through parse() one by one. A piece the fast path gave up on, or whose weight
  /// column disagrees with the file's first edge line, is parsed again line by line here, so
  /// the error thrown is the serial one.
  void merge(const Piece& piece) {
    const bool agrees = !options_.read_weights || piece.first_edge_line == 0 || first_edge_line_ == 0 ||
                        piece.weighted == weighted_;
    if (!piece.ok || !agrees) {
      const char* p = piece.begin;
      while (p != piece.end) {
        const char* const nl = static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(piece.end - p)));
        const char* const end = nl ? nl : piece.end;
        parse(p, end);
        p = nl ? nl + 1 : piece.end;
      }
      return;
    }
    if (options_.read_weights && piece.first_edge_line != 0 && first_edge_line_ == 0) {
      first_edge_line_ = line_ + piece.first_edge_line;
      weighted_ = piece.weighted;
    }
    line_ += piece.lines;
    flush();
    map(piece.raw.data(), piece.raw.size());
    edges_.weights.insert(edges_.weights.end(), piece.weights.begin(), piece.weights.end());
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
    map(raw_.data(), raw_.size());
    raw_.clear();
  }

  /// Maps raw ids (tail, head, tail, ...) in order and appends the edges.
  void map(const std::uint64_t* raw, std::size_t count) {
    for (std::size_t i = 0; i < std::min(count, kPrefetchAhead); ++i) ids_.prefetch(raw[i]);
    for (std::size_t i = 0; i < count; i += 2) {
      if (i + kPrefetchAhead < count) ids_.prefetch(raw[i + kPrefetchAhead]);
      if (i + 1 + kPrefetchAhead < count) ids_.prefetch(raw[i + 1 + kPrefetchAhead]);
      const NodeId tail = ids_.intern(raw[i]);
      const NodeId head = ids_.intern(raw[i + 1]);
      if (tail == kNoNode || head == kNoNode) {
        throw InputError(name_ + ": more than " + std::to_string(kNoNode) + " distinct agent ids");
      }
      edges_.add(tail, head);
    }
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
    // what() is a C string: a NUL byte (binary input) would cut the message short. The CLI
    // escapes every other unprintable byte when it prints the message.
    for (std::size_t at; (at = text.find('\0')) != std::string::npos;) text.replace(at, 1, "\\x00");
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
  //
  // The complete lines of a block are cut into pieces at line ends and parsed in parallel
  // (parse_piece: text to raw ids, the bulk of the work); the pieces are then merged in file
  // order (ids mapped in order of first appearance, line numbers continued), so the result
  // and every error message are those of a serial read.
  std::vector<char> buffer(kBlock);
  std::vector<Piece> pieces;
  const std::size_t workers = static_cast<std::size_t>(tbb::this_task_arena::max_concurrency());
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
    const char* last_nl = end;
    while (last_nl != p && last_nl[-1] != '\n') --last_nl;  // complete lines are [p, last_nl)
    const std::size_t bytes = static_cast<std::size_t>(last_nl - p);
    const std::size_t count = std::clamp<std::size_t>(bytes / kPieceBytes, 1, 4 * workers);
    pieces.resize(count);
    for (std::size_t i = 0; i < count; ++i) {
      const char* cut = i + 1 == count ? last_nl : p + bytes * (i + 1) / count;
      while (cut != last_nl && cut[-1] != '\n') ++cut;  // move the cut to a line end
      const char* from = i == 0 ? p : pieces[i - 1].end;
      pieces[i] = Piece{};
      pieces[i].begin = from;
      pieces[i].end = std::max(cut, from);
    }
    if (count == 1) {
      parse_piece(pieces[0], options.read_weights);
    } else {
      tbb::parallel_for(std::size_t{0}, count, [&](std::size_t i) { parse_piece(pieces[i], options.read_weights); });
    }
    for (const Piece& piece : pieces) parser.merge(piece);
    p = last_nl;
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
