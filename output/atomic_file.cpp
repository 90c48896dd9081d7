// SPDX-License-Identifier: MIT
#include "output/atomic_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include "output/hdf5_file.hpp"
#include "sim/error.hpp"

namespace wom {
namespace {

struct Registry {
  std::mutex lock;
  std::vector<std::filesystem::path> files;
  std::size_t published = 0;
};

/// Never destroyed: the interrupt watcher may use it while the main thread runs static
/// destructors at exit.
Registry& registry() {
  static auto* r = new Registry;
  return *r;
}

void forget(Registry& r, const std::filesystem::path& path) {
  const auto it = std::find(r.files.begin(), r.files.end(), path);
  if (it != r.files.end()) r.files.erase(it);
}

}  // namespace

std::filesystem::path temporary_path(const std::filesystem::path& path) {
  if (path.filename().empty()) throw IoError("output path '" + path.string() + "' names no file");
  const std::filesystem::path folder = path.has_parent_path() ? path.parent_path() : ".";
  std::error_code error;
  if (!std::filesystem::is_directory(folder, error)) {
    const bool exists = std::filesystem::exists(folder, error);
    throw IoError("output folder '" + folder.string() + (exists ? "' is not a folder" : "' does not exist") +
                  " (writing '" + path.string() + "')");
  }
  if (::access(folder.c_str(), W_OK | X_OK) != 0) {
    throw IoError("output folder '" + folder.string() + "' is not writable (writing '" + path.string() + "')");
  }
  return folder / (path.filename().string() + ".partial-" + std::to_string(::getpid()));
}

void sync_to_disk(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  const bool ok = fd >= 0 && ::fsync(fd) == 0;
  const std::error_code error(errno, std::generic_category());
  if (fd >= 0) ::close(fd);
  if (!ok) throw IoError("cannot sync '" + path.string() + "' to disk: " + error.message());
}

namespace {

/// What both writers share: `create` makes the temporary file (registered once it exists),
/// `fill` writes and closes it; then sync and rename, or on any failure remove it.
void write_through_temporary(const std::filesystem::path& path,
                             const std::function<void(const std::filesystem::path&)>& create,
                             const std::function<void(const std::filesystem::path&)>& fill) {
  const std::filesystem::path temporary = temporary_path(path);
  bool created = false;  // never remove a file this call did not create
  try {
    pending_files::create(temporary, [&] { create(temporary); });
    created = true;
    fill(temporary);
    sync_to_disk(temporary);
    pending_files::publish(temporary, path);
  } catch (const std::exception& e) {
    // Unlinking a file something still holds open is safe: its descriptor goes on to an
    // inode no name points to.
    if (created) pending_files::discard(temporary);
    if (dynamic_cast<const IoError*>(&e) != nullptr) throw;
    throw IoError("cannot write '" + path.string() + "': " + e.what());
  }
}

}  // namespace

void write_hdf5_atomically(const std::filesystem::path& path, const std::function<void(h5::File&)>& fill) {
  std::optional<h5::File> file;
  write_through_temporary(
      path, [&](const std::filesystem::path& temporary) { file.emplace(h5::File::create_exclusive(temporary, path)); },
      [&](const std::filesystem::path&) {
        fill(*file);  // every object closed on return
        // Last, so a file copied away before the rename still says it is incomplete.
        file->set_attribute("complete", std::int32_t{1});
        file->close();
      });
}

void write_file_atomically(const std::filesystem::path& path,
                           const std::function<void(const std::filesystem::path& temporary)>& fill) {
  write_through_temporary(
      path,
      [&](const std::filesystem::path& temporary) {
        const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        if (fd < 0) {
          throw IoError("cannot create '" + temporary.string() + "' (writing '" + path.string() +
                        "'): " + std::generic_category().message(errno));
        }
        ::close(fd);
      },
      fill);
}

namespace pending_files {

void create(const std::filesystem::path& path, const std::function<void()>& create) {
  Registry& r = registry();
  const std::lock_guard guard(r.lock);
  r.files.reserve(r.files.size() + 1);  // so registering after creating cannot throw
  create();
  r.files.push_back(path);
}

void publish(const std::filesystem::path& from, const std::filesystem::path& to) {
  Registry& r = registry();
  const std::lock_guard guard(r.lock);
  std::error_code error;
  std::filesystem::rename(from, to, error);
  if (error) throw IoError("cannot rename '" + from.string() + "' to '" + to.string() + "': " + error.message());
  forget(r, from);
  ++r.published;
}

void discard(const std::filesystem::path& path) noexcept {
  Registry& r = registry();
  const std::lock_guard guard(r.lock);
  ::unlink(path.c_str());
  forget(r, path);
}

std::size_t remove_all_for_exit() noexcept {
  Registry& r = registry();
  r.lock.lock();  // never unlocked: the process ends with this lock held
  for (const std::filesystem::path& file : r.files) ::unlink(file.c_str());
  return r.files.size();
}

std::size_t published() noexcept {
  Registry& r = registry();
  return r.published;  // read after remove_all_for_exit(), which holds the lock for good
}

}  // namespace pending_files
}  // namespace wom
