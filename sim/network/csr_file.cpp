// SPDX-License-Identifier: MIT
#include "sim/network/csr_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <bit>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include <tbb/blocked_range.h>
#include <tbb/parallel_reduce.h>

#include "sim/error.hpp"
#include "sim/random.hpp"

namespace wom {
namespace {

static_assert(std::endian::native == std::endian::little, "the cache file is little-endian, as is the host");

constexpr std::array<char, 8> kMagic{'\x89', 'W', 'O', 'M', 'C', 'S', 'R', '\n'};
constexpr std::uint32_t kVersion = 1;
constexpr std::uint32_t kDirected = 1, kWeights = 2, kLabels = 4;
constexpr std::size_t kHeaderBytes = 64, kAlign = 64;

struct Header {
  char magic[8];
  std::uint32_t version;
  std::uint32_t flags;
  std::uint64_t agents;
  std::uint64_t arcs;
  std::uint64_t checksum;
  std::uint8_t zero[24];
};
static_assert(sizeof(Header) == kHeaderBytes);

std::uint64_t padded(std::uint64_t bytes) { return (bytes + kAlign - 1) / kAlign * kAlign; }

/// Position-dependent sum over the array's bytes read as 64-bit words (the last one padded
/// with zeros): any change of one word changes the sum, and it splits over threads.
std::uint64_t checksum(const void* data, std::uint64_t bytes, std::uint64_t salt) {
  const auto* p = static_cast<const unsigned char*>(data);
  const std::uint64_t words = (bytes + 7) / 8;
  const std::uint64_t key = mix64(salt);
  return tbb::parallel_reduce(
      tbb::blocked_range<std::uint64_t>(0, words, 1 << 16), std::uint64_t{0},
      [&](const tbb::blocked_range<std::uint64_t>& r, std::uint64_t sum) {
        for (std::uint64_t i = r.begin(); i < r.end(); ++i) {
          std::uint64_t w = 0;
          std::memcpy(&w, p + 8 * i, std::min<std::uint64_t>(8, bytes - 8 * i));
          sum += mix64(w ^ draw64(key, i));
        }
        return sum;
      },
      [](std::uint64_t a, std::uint64_t b) { return a + b; });
}

struct Array {
  const void* data;
  std::uint64_t bytes;
};

std::uint64_t checksum(const std::vector<Array>& arrays) {
  std::uint64_t sum = 0;
  for (std::size_t i = 0; i < arrays.size(); ++i) sum += checksum(arrays[i].data, arrays[i].bytes, i + 1);
  return sum;
}

/// Owns a POSIX file descriptor.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  [[nodiscard]] int get() const { return fd_; }
  int release_close() {
    const int rc = ::close(fd_);
    fd_ = -1;
    return rc;
  }

 private:
  int fd_;
};

void write_all(int fd, const void* data, std::uint64_t bytes, const std::string& name) {
  const auto* p = static_cast<const char*>(data);
  while (bytes > 0) {
    const ssize_t got = ::write(fd, p, std::min<std::uint64_t>(bytes, std::uint64_t{1} << 30));
    if (got < 0) {
      if (errno == EINTR) continue;
      throw IoError(name + ": cannot write graph file: " + std::strerror(errno));
    }
    p += got;
    bytes -= static_cast<std::uint64_t>(got);
  }
}

void read_all(int fd, void* data, std::uint64_t bytes, std::uint64_t offset, const std::string& name) {
  auto* p = static_cast<char*>(data);
  while (bytes > 0) {
    const ssize_t got = ::pread(fd, p, std::min<std::uint64_t>(bytes, std::uint64_t{1} << 30), static_cast<off_t>(offset));
    if (got < 0) {
      if (errno == EINTR) continue;
      throw IoError(name + ": cannot read graph file: " + std::strerror(errno));
    }
    if (got == 0) throw InputError(name + ": graph file is truncated");
    p += got;
    offset += static_cast<std::uint64_t>(got);
    bytes -= static_cast<std::uint64_t>(got);
  }
}

}  // namespace

bool is_csr_file(const std::filesystem::path& path) {
  const Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) return false;
  char magic[8];
  return ::pread(fd.get(), magic, sizeof magic, 0) == static_cast<ssize_t>(sizeof magic) &&
         std::memcmp(magic, kMagic.data(), sizeof magic) == 0;
}

void write_csr_file(const Graph& g, const std::filesystem::path& path, const std::string& shown_as) {
  const std::string name = shown_as.empty() ? path.string() : shown_as;
  if (g.implicit_complete() || g.layer_count() != 1 || g.has_distrust())
    throw Error(name + ": only a single-layer graph with stored arcs and no distrust flags can be cached");
  const bool weighted = !g.weights().empty(), labelled = !g.labels().empty();
  std::vector<Array> arrays{{g.offsets().data(), g.offsets().size() * sizeof(ArcId)},
                            {g.heads().data(), g.heads().size() * sizeof(NodeId)}};
  if (weighted) arrays.push_back({g.weights().data(), g.weights().size() * sizeof(float)});
  if (labelled) arrays.push_back({g.labels().data(), g.labels().size() * sizeof(std::uint64_t)});
  Header h{};
  std::memcpy(h.magic, kMagic.data(), sizeof h.magic);
  h.version = kVersion;
  h.flags = (g.directed() ? kDirected : 0) | (weighted ? kWeights : 0) | (labelled ? kLabels : 0);
  h.agents = g.num_nodes();
  h.arcs = g.num_arcs();
  h.checksum = checksum(arrays);

  Fd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  if (fd.get() < 0) throw IoError(name + ": cannot create graph file: " + std::strerror(errno));
  write_all(fd.get(), &h, sizeof h, name);
  static constexpr char kZeros[kAlign] = {};
  for (const Array& a : arrays) {
    write_all(fd.get(), a.data, a.bytes, name);
    write_all(fd.get(), kZeros, padded(a.bytes) - a.bytes, name);
  }
  if (fd.release_close() != 0) throw IoError(name + ": cannot write graph file: " + std::strerror(errno));
}

Graph read_csr_file(const std::filesystem::path& path) {
  const std::string name = path.string();
  const Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) throw IoError(name + ": cannot open graph file: " + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) throw IoError(name + ": cannot read graph file: " + std::strerror(errno));
  const auto size = static_cast<std::uint64_t>(st.st_size);
  Header h{};
  if (size < sizeof h) throw InputError(name + ": not a wom graph file (too short for its header)");
  read_all(fd.get(), &h, sizeof h, 0, name);
  if (std::memcmp(h.magic, kMagic.data(), sizeof h.magic) != 0) throw InputError(name + ": not a wom graph file");
  if (h.version != kVersion)
    throw InputError(name + ": wom graph file version " + std::to_string(h.version) + "; this wom reads version " +
                     std::to_string(kVersion) + " (rebuild it with `wom graph`)");
  if ((h.flags & ~(kDirected | kWeights | kLabels)) != 0 || h.agents >= kNoNode)
    throw InputError(name + ": corrupt wom graph file header");
  const bool weighted = (h.flags & kWeights) != 0, labelled = (h.flags & kLabels) != 0;
  const std::uint64_t n = h.agents, m = h.arcs;
  // No real graph comes near 2^60 arcs; below that no size computed here can wrap around.
  const std::uint64_t expected = m > (std::uint64_t{1} << 60)
                                     ? 0
                                     : kHeaderBytes + padded((n + 1) * 8) + padded(m * 4) +
                                           (weighted ? padded(m * 4) : 0) + (labelled ? padded(n * 8) : 0);
  if (expected != size)
    throw InputError(name + ": wom graph file is truncated or corrupt (" + std::to_string(size) +
                     " bytes, the header promises " + std::to_string(expected) + ")");

  std::vector<ArcId> offsets;
  std::vector<NodeId> heads;
  std::vector<float> weights;
  std::vector<std::uint64_t> labels;
  assign_huge(offsets, n + 1, ArcId{0});
  assign_huge(heads, m, NodeId{0});
  std::uint64_t at = kHeaderBytes;
  read_all(fd.get(), offsets.data(), (n + 1) * 8, at, name);
  at += padded((n + 1) * 8);
  read_all(fd.get(), heads.data(), m * 4, at, name);
  at += padded(m * 4);
  std::vector<Array> arrays{{offsets.data(), (n + 1) * 8}, {heads.data(), m * 4}};
  if (weighted) {
    weights.resize(m);
    read_all(fd.get(), weights.data(), m * 4, at, name);
    at += padded(m * 4);
    arrays.push_back({weights.data(), m * 4});
  }
  if (labelled) {
    labels.resize(n);
    read_all(fd.get(), labels.data(), n * 8, at, name);
    arrays.push_back({labels.data(), n * 8});
  }
  if (checksum(arrays) != h.checksum) throw InputError(name + ": wom graph file is corrupt (checksum mismatch)");
  return Graph::from_csr(static_cast<NodeId>(n), (h.flags & kDirected) != 0, std::move(offsets), std::move(heads),
                         std::move(weights), std::move(labels), name);
}

}  // namespace wom
