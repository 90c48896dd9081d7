// SPDX-License-Identifier: MIT
#pragma once
/// @file Output files written atomically, and what an interrupted process leaves behind.
///
/// A result is written under a temporary name beside its final path
/// (`<path>.partial-<pid>`) and renamed into place only once it is complete, closed and on
/// disk, so a reader never sees a partial file under the final name. Every temporary file
/// being written is listed in one process-wide registry: when wom is interrupted
/// (SIGINT, SIGTERM, SIGHUP; cli/common.hpp), it removes each of them before it exits, so an
/// interruption leaves neither a stray temporary nor a final file that looks complete.
/// Creating, renaming and removing a registered file each happen under the registry's lock,
/// so an interruption sees every temporary file either not yet created or registered, and
/// a publication either done or not begun.

#include <filesystem>
#include <functional>

namespace wom {

namespace h5 {
class File;
}

/// `<path>.partial-<pid>` beside `path`: same folder, so the final rename stays within one
/// file system and is atomic; the pid keeps two concurrent writers of one path apart.
/// @throws IoError if `path` names no file or its folder is missing or not writable.
std::filesystem::path temporary_path(const std::filesystem::path& path);

/// Forces a closed file's data to disk before a rename publishes it: otherwise a crash
/// shortly after could leave the final name pointing at a file whose blocks never landed.
/// @throws IoError.
void sync_to_disk(const std::filesystem::path& path);

/// Writes an HDF5 file through `fill` under temporary_path(path), sets the root attribute
/// `complete` = 1 last (so a copy taken before the rename still says it is incomplete),
/// closes, syncs and renames it to `path`, replacing a file already there (callers refuse
/// an existing output before simulating, unless --force). On any failure, or an interrupt,
/// nothing is left behind. @throws IoError (any other exception from `fill` is wrapped).
void write_hdf5_atomically(const std::filesystem::path& path, const std::function<void(h5::File&)>& fill);

/// The same for a file of any other format: `fill` writes the temporary file it is given
/// (created empty and registered beforehand), which is then synced and renamed to `path`.
/// On any failure, or an interrupt, nothing is left behind. @throws IoError.
void write_file_atomically(const std::filesystem::path& path,
                           const std::function<void(const std::filesystem::path& temporary)>& fill);

/// The registry of temporary files being written (see the file comment).
namespace pending_files {

/// Calls `create`, which creates the file `path`, and registers `path` if it returns;
/// an exception from `create` propagates and nothing is registered.
void create(const std::filesystem::path& path, const std::function<void()>& create);

/// Renames the registered `from` to `to` and unregisters it. @throws IoError (then `from`
/// stays registered: the caller discards it).
void publish(const std::filesystem::path& from, const std::filesystem::path& to);

/// Removes the file `path`, if there, and unregisters it.
void discard(const std::filesystem::path& path) noexcept;

/// For the interrupt path only: takes the registry's lock for good (no file is created or
/// published after this), removes every registered file and returns how many there were.
/// The caller must end the process next.
std::size_t remove_all_for_exit() noexcept;

/// How many files publish() has renamed into place in this process (for the interrupt
/// message: an interrupt after the output was complete removes nothing and says so).
std::size_t published() noexcept;

}  // namespace pending_files
}  // namespace wom
