// SPDX-License-Identifier: MIT
#include "output/sweep_checkpoint.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>  // crc32 only

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstring>
#include <system_error>
#include <utility>

#include "sim/error.hpp"

namespace wom {
namespace {

namespace fs = std::filesystem;

constexpr char kMagic[8] = {'W', 'O', 'M', 'C', 'K', 'P', 'T', '1'};
constexpr std::uint32_t kRecordMagic = 0x50575357u;  // "WSWP" read little-endian
constexpr std::uint32_t kEncodingVersion = 2;
constexpr std::size_t kRecordHeader = 16;
/// A record longer than this is garbage (a point's results compress far below it).
constexpr std::uint32_t kMaxRecord = 1u << 30;

std::string errno_text() { return std::error_code(errno, std::generic_category()).message(); }

/// Little-endian fixed-width numbers and LEB128 varints, whatever the host.
class Writer {
 public:
  explicit Writer(std::size_t reserve = 0) { bytes_.reserve(reserve); }
  template <class T>
  void put(T value) {
    if constexpr (std::is_same_v<T, double>) {
      put(std::bit_cast<std::uint64_t>(value));
    } else {
      using U = std::make_unsigned_t<T>;
      auto u = static_cast<U>(value);
      char buffer[sizeof(T)];
      for (std::size_t i = 0; i < sizeof(T); ++i) {
        buffer[i] = static_cast<char>(u & 0xFF);
        if constexpr (sizeof(T) > 1) u = static_cast<U>(u >> 8);
      }
      bytes_.append(buffer, sizeof(T));
    }
  }
  void varint(std::uint64_t v) {
    char buffer[10];
    std::size_t n = 0;
    while (v >= 0x80) {
      buffer[n++] = static_cast<char>((v & 0x7F) | 0x80);
      v >>= 7;
    }
    buffer[n++] = static_cast<char>(v);
    bytes_.append(buffer, n);
  }
  void put_bytes(std::string_view s) { bytes_.append(s); }
  [[nodiscard]] std::string& bytes() { return bytes_; }

 private:
  std::string bytes_;
};

class Reader {
 public:
  explicit Reader(std::string_view bytes) : bytes_(bytes) {}
  template <class T>
  T get() {
    if constexpr (std::is_same_v<T, double>) {
      return std::bit_cast<double>(get<std::uint64_t>());
    } else {
      using U = std::make_unsigned_t<T>;
      if (at_ + sizeof(T) > bytes_.size()) throw IoError("malformed sweep point record (too short)");
      U u = 0;
      for (std::size_t i = 0; i < sizeof(T); ++i) {
        u = static_cast<U>(u | (static_cast<U>(static_cast<unsigned char>(bytes_[at_ + i])) << (8 * i)));
      }
      at_ += sizeof(T);
      return static_cast<T>(u);
    }
  }
  std::uint64_t varint() {
    std::uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (at_ >= bytes_.size()) throw IoError("malformed sweep point record (too short)");
      const auto byte = static_cast<unsigned char>(bytes_[at_++]);
      v |= static_cast<std::uint64_t>(byte & 0x7F) << shift;
      if ((byte & 0x80) == 0) return v;
    }
    throw IoError("malformed sweep point record (varint)");
  }
  [[nodiscard]] std::size_t left() const { return bytes_.size() - at_; }

 private:
  std::string_view bytes_;
  std::size_t at_ = 0;
};

std::uint32_t crc(std::string_view bytes) {
  return static_cast<std::uint32_t>(
      ::crc32(0L, reinterpret_cast<const Bytef*>(bytes.data()), static_cast<uInt>(bytes.size())));
}

void write_all(int fd, std::string_view bytes, const fs::path& path) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      throw IoError("cannot write checkpoint '" + path.string() + "': " + errno_text());
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
}

std::string header(const std::string& identity) {
  Writer w;
  w.put_bytes(std::string_view(kMagic, sizeof kMagic));
  w.put(static_cast<std::uint32_t>(identity.size()));
  w.put_bytes(identity);
  return std::move(w.bytes());
}

std::string identity_line(const std::string& identity, std::string_view key) {
  std::size_t start = 0;
  while (start < identity.size()) {
    const auto nl = identity.find('\n', start);
    const std::string line = identity.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
    if (line.rfind(std::string(key) + " ", 0) == 0) return line.substr(key.size() + 1);
    if (nl == std::string::npos) break;
    start = nl + 1;
  }
  return "?";
}

}  // namespace

// A point's encoding: the scalars, the summaries, then per replicate its series. A replicate
// that went quiet after `last_step` has, by the engine's rule (sim/run_result.hpp), nothing
// but repetitions of its final state in later columns, and its cumulative series is the
// running sum of the new adopters: such a replicate stores only new adopters, exposures and
// sharers up to last_step, as varints (a few bytes a step). Any other is stored whole.
std::string encode_point(const SweepPointResult& p) {
  const RunResult& run = p.run;
  const std::size_t columns = run.columns();
  Writer w(64 + run.summaries.size() * 48 + run.new_adopters.size() * 4);
  w.put(kEncodingVersion);
  w.put(p.point);
  w.put(p.seed);
  w.put(p.arcs);
  w.put(static_cast<std::uint8_t>(p.directed ? 1 : 0));
  w.put(p.build_seconds);
  w.put(p.simulate_seconds);
  w.put(static_cast<std::uint64_t>(run.agents));
  w.put(run.replicates);
  w.put(static_cast<std::int32_t>(run.steps));
  w.put(run.step_hours);
  w.put(static_cast<std::uint8_t>(run.new_adopters.empty() ? 0 : 1));  // series recorded
  for (const ReplicateSummary& s : run.summaries) {
    w.put(s.final_adopters);
    w.put(s.final_fraction);
    w.put(static_cast<std::int32_t>(s.peak_step));
    w.put(s.peak_adopters);
    w.put(static_cast<std::int32_t>(s.steps_to_50));
    w.put(static_cast<std::int32_t>(s.steps_to_90));
    w.put(static_cast<std::int32_t>(s.last_step));
    w.put(s.exposures);
  }
  if (run.new_adopters.empty()) return std::move(w.bytes());
  for (std::uint32_t r = 0; r < run.replicates; ++r) {
    const std::size_t row = std::size_t{r} * columns;
    const std::size_t kept =
        std::clamp<std::size_t>(static_cast<std::size_t>(std::max(run.summaries[r].last_step, 0)) + 1, 1, columns);
    bool compact = true;
    std::uint64_t sum = 0;
    for (std::size_t t = 0; t < columns && compact; ++t) {
      sum += run.new_adopters[row + t];
      compact = run.cumulative_adopters[row + t] == sum &&
                (t < kept || (run.new_adopters[row + t] == 0 && run.exposures[row + t] == 0 &&
                              run.active_sharers[row + t] == 0));
    }
    w.put(static_cast<std::uint8_t>(compact ? 1 : 0));
    const std::size_t stored = compact ? kept : columns;
    w.varint(stored);
    for (const auto* series : {&run.new_adopters, &run.exposures, &run.active_sharers}) {
      for (std::size_t t = 0; t < stored; ++t) w.varint((*series)[row + t]);
    }
    if (!compact) {
      for (std::size_t t = 0; t < stored; ++t) w.varint(run.cumulative_adopters[row + t]);
    }
  }
  return std::move(w.bytes());
}

SweepPointResult decode_point(std::string_view bytes) {
  Reader r(bytes);
  if (r.get<std::uint32_t>() != kEncodingVersion) throw IoError("sweep point record of an unknown version");
  SweepPointResult p;
  p.point = r.get<std::uint32_t>();
  p.seed = r.get<std::uint64_t>();
  p.arcs = r.get<std::uint64_t>();
  p.directed = r.get<std::uint8_t>() != 0;
  p.build_seconds = r.get<double>();
  p.simulate_seconds = r.get<double>();
  RunResult& run = p.run;
  run.agents = static_cast<NodeId>(r.get<std::uint64_t>());
  run.replicates = r.get<std::uint32_t>();
  run.steps = r.get<std::int32_t>();
  run.step_hours = r.get<double>();
  const bool series = r.get<std::uint8_t>() != 0;
  if (run.steps < 0 || run.replicates > r.left() / 48) throw IoError("malformed sweep point record (sizes)");
  run.summaries.resize(run.replicates);
  for (ReplicateSummary& s : run.summaries) {
    s.final_adopters = r.get<std::uint64_t>();
    s.final_fraction = r.get<double>();
    s.peak_step = r.get<std::int32_t>();
    s.peak_adopters = r.get<std::uint64_t>();
    s.steps_to_50 = r.get<std::int32_t>();
    s.steps_to_90 = r.get<std::int32_t>();
    s.last_step = r.get<std::int32_t>();
    s.exposures = r.get<std::uint64_t>();
  }
  if (!series) return p;
  const std::size_t columns = run.columns();
  for (auto* s : {&run.new_adopters, &run.cumulative_adopters, &run.exposures, &run.active_sharers}) {
    s->assign(std::size_t{run.replicates} * columns, 0);
  }
  for (std::uint32_t i = 0; i < run.replicates; ++i) {
    const std::size_t row = std::size_t{i} * columns;
    const bool compact = r.get<std::uint8_t>() != 0;
    const std::uint64_t stored = r.varint();
    if (stored > columns || stored == 0) throw IoError("malformed sweep point record (columns)");
    for (auto* s : {&run.new_adopters, &run.exposures, &run.active_sharers}) {
      for (std::size_t t = 0; t < stored; ++t) (*s)[row + t] = r.varint();
    }
    if (compact) {
      std::uint64_t sum = 0;
      for (std::size_t t = 0; t < columns; ++t) {
        sum += run.new_adopters[row + t];
        run.cumulative_adopters[row + t] = sum;
      }
    } else {
      for (std::size_t t = 0; t < stored; ++t) run.cumulative_adopters[row + t] = r.varint();
    }
  }
  if (r.left() != 0) throw IoError("malformed sweep point record (trailing bytes)");
  return p;
}

fs::path SweepCheckpoint::path_for(const fs::path& output) { return fs::path(output.string() + ".progress"); }

SweepCheckpoint SweepCheckpoint::create(const fs::path& path, const std::string& identity) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw IoError("cannot create checkpoint '" + path.string() + "': " + errno_text());
  SweepCheckpoint checkpoint(path, fd);
  write_all(fd, header(identity), path);
  if (::fdatasync(fd) != 0) throw IoError("cannot sync checkpoint '" + path.string() + "': " + errno_text());
  return checkpoint;
}

SweepCheckpoint SweepCheckpoint::resume(const fs::path& path, const std::string& identity,
                                        std::vector<SweepPointResult>& finished) {
  const int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0) throw IoError("cannot open checkpoint '" + path.string() + "': " + errno_text());
  SweepCheckpoint checkpoint(path, fd);
  std::string bytes;
  char buffer[1 << 16];
  for (;;) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw IoError("cannot read checkpoint '" + path.string() + "': " + errno_text());
    }
    if (n == 0) break;
    bytes.append(buffer, static_cast<std::size_t>(n));
  }
  const std::string expected = header(identity);
  if (bytes.size() < 12 || std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0) {
    throw InputError(path.string() + ": not a wom sweep checkpoint; remove it, or use --force to start over");
  }
  if (bytes.compare(0, expected.size(), expected) != 0) {
    Reader r(std::string_view(bytes).substr(8));
    const auto length = r.get<std::uint32_t>();
    const std::string found = bytes.substr(12, std::min<std::size_t>(length, bytes.size() - 12));
    throw InputError(path.string() + ": checkpoint of a different sweep (sweep hash " + identity_line(found, "hash") +
                     ", this sweep " + identity_line(identity, "hash") +
                     "): the scenario, its overrides or the sweep changed. Remove it, or use --force to start over");
  }
  std::size_t at = expected.size();
  while (at + kRecordHeader <= bytes.size()) {
    Reader r(std::string_view(bytes).substr(at, kRecordHeader));
    const auto magic = r.get<std::uint32_t>();
    const auto point = r.get<std::uint32_t>();
    const auto length = r.get<std::uint32_t>();
    const auto sum = r.get<std::uint32_t>();
    if (magic != kRecordMagic || length > kMaxRecord || at + kRecordHeader + length > bytes.size()) break;
    const std::string_view payload = std::string_view(bytes).substr(at + kRecordHeader, length);
    if (crc(payload) != sum) break;
    SweepPointResult result = decode_point(payload);
    if (result.point != point) break;
    finished.push_back(std::move(result));
    at += kRecordHeader + length;
  }
  // Cut a torn tail, so new records follow the last whole one.
  if (at != bytes.size() && ::ftruncate(fd, static_cast<off_t>(at)) != 0) {
    throw IoError("cannot truncate checkpoint '" + path.string() + "': " + errno_text());
  }
  if (::lseek(fd, static_cast<off_t>(at), SEEK_SET) < 0) {
    throw IoError("cannot seek in checkpoint '" + path.string() + "': " + errno_text());
  }
  return checkpoint;
}

SweepCheckpoint::SweepCheckpoint(SweepCheckpoint&& other) noexcept
    : path_(std::move(other.path_)), fd_(std::exchange(other.fd_, -1)) {}

SweepCheckpoint& SweepCheckpoint::operator=(SweepCheckpoint&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    path_ = std::move(other.path_);
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

SweepCheckpoint::~SweepCheckpoint() {
  if (fd_ >= 0) ::close(fd_);
}

void SweepCheckpoint::append(std::span<const Entry> entries) {
  if (fd_ < 0) throw IoError("checkpoint '" + path_.string() + "' is closed");
  Writer w;
  for (const Entry& e : entries) {
    w.put(kRecordMagic);
    w.put(e.point);
    w.put(static_cast<std::uint32_t>(e.bytes.size()));
    w.put(crc(e.bytes));
    w.put_bytes(e.bytes);
  }
  write_all(fd_, w.bytes(), path_);
  if (::fdatasync(fd_) != 0) throw IoError("cannot sync checkpoint '" + path_.string() + "': " + errno_text());
}

void SweepCheckpoint::remove() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  std::error_code ignored;
  fs::remove(path_, ignored);
}

}  // namespace wom
