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
constexpr std::uint32_t kEncodingVersion = 3;
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

// A point's encoding: the scalars, the summaries, the channel names, then every series row
// ([replicate, step], [replicate, channel, step], totals) as differences from the previous
// value (zigzag varints) with trailing zero differences left out. A replicate that went
// quiet repeats its final state, so its rows end early; cumulative series cost one small
// varint per step that changed; a row of zeros costs one byte.

namespace {

std::uint64_t zigzag(std::int64_t v) { return (static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63); }
std::int64_t unzigzag(std::uint64_t u) { return static_cast<std::int64_t>(u >> 1) ^ -static_cast<std::int64_t>(u & 1); }

/// `rows` rows of `width` values each.
template <class T>
void put_rows(Writer& w, const ReplicateRows<T>& values, std::size_t width) {
  w.varint(values.size());
  if (width == 0) return;
  for (std::size_t row = 0; row < values.size(); row += width) {
    std::size_t kept = width;  // up to the last value that differs from the one before it
    while (kept > 0 && values[row + kept - 1] == (kept >= 2 ? values[row + kept - 2] : T{0})) --kept;
    w.varint(kept);
    std::uint64_t previous = 0;  // unsigned arithmetic: differences wrap, never overflow
    for (std::size_t t = 0; t < kept; ++t) {
      const auto value = static_cast<std::uint64_t>(values[row + t]);
      w.varint(zigzag(static_cast<std::int64_t>(value - previous)));
      previous = value;
    }
  }
}

template <class T>
void get_rows(Reader& r, ReplicateRows<T>& values, std::size_t width) {
  const std::uint64_t n = r.varint();
  if (n > (std::uint64_t{1} << 40) || (width == 0 && n != 0) || (width != 0 && n % width != 0)) {
    throw IoError("malformed sweep point record (series size)");
  }
  values.assign(n, T{0});
  for (std::size_t row = 0; row < n; row += width) {
    const std::uint64_t kept = r.varint();
    if (kept > width) throw IoError("malformed sweep point record (series row)");
    std::uint64_t value = 0;
    for (std::size_t t = 0; t < width; ++t) {
      if (t < kept) value += static_cast<std::uint64_t>(unzigzag(r.varint()));
      values[row + t] = static_cast<T>(value);
    }
  }
}

}  // namespace

std::string encode_point(const SweepPointResult& p) {
  const RunResult& run = p.run;
  const std::size_t columns = run.columns();
  const std::size_t channels = run.channels();
  Writer w(128 + run.summaries.size() * 96 + run.new_adopters.size() * 2);
  w.put(kEncodingVersion);
  w.put(p.point);
  w.put(p.seed);
  w.put(p.arcs);
  w.put(static_cast<std::uint8_t>(p.directed ? 1 : 0));
  w.put(p.build_seconds);
  w.put(p.simulate_seconds);
  w.put(p.first_replicate);
  w.put(static_cast<std::uint64_t>(run.agents));
  w.put(run.replicates);
  w.put(static_cast<std::int32_t>(run.steps));
  w.put(run.step_hours);
  w.varint(run.summaries.size());
  for (const ReplicateSummary& s : run.summaries) {
    w.put(s.final_adopters);
    w.put(s.final_fraction);
    w.put(static_cast<std::int32_t>(s.peak_step));
    w.put(s.peak_adopters);
    w.put(static_cast<std::int32_t>(s.steps_to_50));
    w.put(static_cast<std::int32_t>(s.steps_to_90));
    w.put(static_cast<std::int32_t>(s.last_step));
    w.put(s.exposures);
    w.put(s.reach);
    w.put(s.spend_cents);
    w.put(s.money_cents);
    w.put(s.money_24h_cents);
    w.put(s.donors);
    w.put(static_cast<std::int32_t>(s.goal_step));
  }
  w.varint(channels);
  for (const std::string& name : run.channel_names) {
    w.varint(name.size());
    w.put_bytes(name);
  }
  put_rows(w, run.new_adopters, columns);
  put_rows(w, run.cumulative_adopters, columns);
  put_rows(w, run.exposures, columns);
  put_rows(w, run.active_sharers, columns);
  put_rows(w, run.money_cents, columns);
  put_rows(w, run.channel_exposures, columns);
  put_rows(w, run.channel_adoptions, columns);
  put_rows(w, run.channel_spend_cents, columns);
  put_rows(w, run.total_channel_adoptions, channels);
  put_rows(w, run.total_channel_spend_cents, channels);
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
  p.first_replicate = r.get<std::uint32_t>();
  RunResult& run = p.run;
  run.agents = static_cast<NodeId>(r.get<std::uint64_t>());
  run.replicates = r.get<std::uint32_t>();
  run.steps = r.get<std::int32_t>();
  run.step_hours = r.get<double>();
  const std::uint64_t summaries = r.varint();
  if (run.steps < 0 || summaries > r.left() / 64) throw IoError("malformed sweep point record (sizes)");
  run.summaries.assign(summaries, ReplicateSummary{});
  for (ReplicateSummary& s : run.summaries) {
    s.final_adopters = r.get<std::uint64_t>();
    s.final_fraction = r.get<double>();
    s.peak_step = r.get<std::int32_t>();
    s.peak_adopters = r.get<std::uint64_t>();
    s.steps_to_50 = r.get<std::int32_t>();
    s.steps_to_90 = r.get<std::int32_t>();
    s.last_step = r.get<std::int32_t>();
    s.exposures = r.get<std::uint64_t>();
    s.reach = r.get<std::uint64_t>();
    s.spend_cents = r.get<std::int64_t>();
    s.money_cents = r.get<std::int64_t>();
    s.money_24h_cents = r.get<std::int64_t>();
    s.donors = r.get<std::uint64_t>();
    s.goal_step = r.get<std::int32_t>();
  }
  const std::uint64_t channels = r.varint();
  if (channels > 1024) throw IoError("malformed sweep point record (channels)");
  for (std::uint64_t c = 0; c < channels; ++c) {
    const std::uint64_t length = r.varint();
    if (length > r.left()) throw IoError("malformed sweep point record (channel name)");
    std::string name;
    for (std::uint64_t i = 0; i < length; ++i) name += static_cast<char>(r.get<std::uint8_t>());
    run.channel_names.push_back(std::move(name));
  }
  const std::size_t columns = run.columns();
  get_rows(r, run.new_adopters, columns);
  get_rows(r, run.cumulative_adopters, columns);
  get_rows(r, run.exposures, columns);
  get_rows(r, run.active_sharers, columns);
  get_rows(r, run.money_cents, columns);
  get_rows(r, run.channel_exposures, columns);
  get_rows(r, run.channel_adoptions, columns);
  get_rows(r, run.channel_spend_cents, columns);
  get_rows(r, run.total_channel_adoptions, channels);
  get_rows(r, run.total_channel_spend_cents, channels);
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
