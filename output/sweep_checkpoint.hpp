// SPDX-License-Identifier: MIT
#pragma once
/// @file The checkpoint of a running sweep, `OUT.h5.progress`: an append-only record of the
/// points finished so far, each flushed to disk (fdatasync) before it counts as finished,
/// so `wom sweep --resume` after a crash or SIGKILL recomputes none of them. The same
/// encoding of a point's results travels in MPI messages.
///
/// Format (little-endian; docs/output.md, "Checkpoint file"):
///   "WOMCKPT1", u32 identity length, identity (text: sweep hash, points, replicates, ...)
///   then records: u32 0x50575357 ("WSWP"), u32 point, u32 length, u32 CRC-32 of the
///   payload, payload (encode_point). A record cut short by a crash fails its length or
///   CRC and is dropped, with everything after it, when the file is resumed.

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "output/sweep_writer.hpp"

namespace wom {

/// A point's results as bytes (compact: see sweep_checkpoint.cpp), and back.
std::string encode_point(const SweepPointResult& result);
/// @throws IoError if `bytes` is not an encoded point.
SweepPointResult decode_point(std::string_view bytes);

class SweepCheckpoint {
 public:
  /// One finished point, encoded.
  struct Entry {
    std::uint32_t point = 0;
    std::string bytes;
  };

  /// `OUT.h5.progress` beside `OUT.h5`.
  static std::filesystem::path path_for(const std::filesystem::path& output);

  /// Starts an empty checkpoint for the sweep `identity`, replacing any file at `path`.
  static SweepCheckpoint create(const std::filesystem::path& path, const std::string& identity);
  /// Reads back the points of an existing checkpoint into `finished` and reopens it for
  /// appending; a torn last record is cut off.
  /// @throws InputError if the checkpoint belongs to another sweep (identity differs).
  static SweepCheckpoint resume(const std::filesystem::path& path, const std::string& identity,
                                std::vector<SweepPointResult>& finished);

  SweepCheckpoint(SweepCheckpoint&& other) noexcept;
  SweepCheckpoint& operator=(SweepCheckpoint&& other) noexcept;
  SweepCheckpoint(const SweepCheckpoint&) = delete;
  SweepCheckpoint& operator=(const SweepCheckpoint&) = delete;
  ~SweepCheckpoint();

  /// Appends the entries and returns once they are on disk. @throws IoError.
  void append(std::span<const Entry> entries);
  /// Closes and deletes the file (the sweep's output is complete).
  void remove();
  [[nodiscard]] const std::filesystem::path& path() const noexcept { return path_; }

 private:
  SweepCheckpoint(std::filesystem::path path, int fd) : path_(std::move(path)), fd_(fd) {}
  std::filesystem::path path_;
  int fd_ = -1;
};

}  // namespace wom
