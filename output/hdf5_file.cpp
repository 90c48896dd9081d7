// SPDX-License-Identifier: MIT
#include "output/hdf5_file.hpp"

#include <array>

#include <hdf5_hl.h>

#include <algorithm>
#include <functional>
#include <numeric>
#include <utility>

#include "sim/error.hpp"

namespace wom::h5 {
namespace {

/// One HDF5 description made fit for a one-line message. A failed read or write of the
/// file driver describes itself over several lines with buffer addresses and offsets
/// ("file write failed: time = ..., errno = 28, error message = 'No space left on device',
/// buf = 0x..."); only the operating system's reason means anything to the user.
std::string readable(std::string description) {
  static constexpr std::string_view kReason = "error message = '";
  const auto at = description.find(kReason);
  if (at != std::string::npos) {
    const auto begin = at + kReason.size();
    const auto end = description.find('\'', begin);
    const std::string reason = description.substr(begin, end == std::string::npos ? std::string::npos : end - begin);
    const auto colon = description.find(':');
    description = (colon == std::string::npos ? std::string("I/O failed") : description.substr(0, colon)) + ": " + reason;
  }
  std::replace(description.begin(), description.end(), '\n', ' ');
  return description;
}

/// The innermost and outermost descriptions on HDF5's error stack. The innermost says what
/// actually went wrong (e.g. "errno = 17, error message = 'File exists'"); the outermost is
/// what the API call was trying to do. Clears the stack so the next failure starts afresh.
std::string error_description() {
  std::vector<std::string> descriptions;
  const auto collect = [](unsigned, const H5E_error2_t* error, void* out) -> herr_t {
    if (error->desc != nullptr && *error->desc != '\0') {
      static_cast<std::vector<std::string>*>(out)->emplace_back(error->desc);
    }
    return 0;
  };
  // Upward: from the function that detected the error to the API call.
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, collect, &descriptions);
  H5Eclear2(H5E_DEFAULT);
  if (descriptions.empty()) return "no description from HDF5";
  for (std::string& d : descriptions) d = readable(d);
  if (descriptions.size() == 1 || descriptions.front() == descriptions.back()) {
    return descriptions.front();
  }
  return descriptions.back() + " (" + descriptions.front() + ")";
}

/// Returns `result` unless it signals failure (negative), in which case throws.
template <class Result>
Result check(Result result, std::string_view action, std::string_view object,
             const std::filesystem::path& file) {
  if (result < 0) throw_error(action, object, file);
  return result;
}

/// A property list of `cls` with object modification times off: HDF5 otherwise stamps each
/// object header with the wall clock, and two writes of the same data would differ in bytes.
Handle timeless_property_list(hid_t cls, std::string_view object, const std::filesystem::path& file) {
  Handle plist(check(H5Pcreate(cls), "create property list for", object, file), H5Pclose);
  check(H5Pset_obj_track_times(plist.get(), false), "configure", object, file);
  return plist;
}

Handle scalar_space(std::string_view object, const std::filesystem::path& file) {
  return Handle(check(H5Screate(H5S_SCALAR), "create dataspace for", object, file), H5Sclose);
}

}  // namespace

// ---- Handle ---------------------------------------------------------------------------------

Handle::Handle(Handle&& other) noexcept
    : id_(std::exchange(other.id_, H5I_INVALID_HID)), closer_(other.closer_) {}

Handle& Handle::operator=(Handle&& other) noexcept {
  if (this != &other) {
    if (close() < 0) H5Eclear2(H5E_DEFAULT);
    id_ = std::exchange(other.id_, H5I_INVALID_HID);
    closer_ = other.closer_;
  }
  return *this;
}

Handle::~Handle() {
  // A failed close in a destructor has nowhere to go; don't let its stack leak into the
  // description of a later, reported failure.
  if (close() < 0) H5Eclear2(H5E_DEFAULT);
}

herr_t Handle::close() noexcept {
  if (id_ < 0 || closer_ == nullptr) return 0;
  const herr_t status = closer_(id_);
  if (status >= 0) id_ = H5I_INVALID_HID;
  return status;
}

// ---- errors ---------------------------------------------------------------------------------

void quiet_library() {
  H5dont_atexit();
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
}

void throw_error(std::string_view action, std::string_view object, const std::filesystem::path& file) {
  std::string message = "HDF5: cannot ";
  message.append(action);
  if (!object.empty()) message.append(" ").append(object).append(" in");
  message.append(" file '").append(file.string()).append("': ").append(error_description());
  throw IoError(message);
}

// ---- CompoundType ---------------------------------------------------------------------------

Handle CompoundType::make_memory_type(std::string_view object, const std::filesystem::path& file) const {
  Handle type(check(H5Tcreate(H5T_COMPOUND, row_size_), "create memory type of", object, file), H5Tclose);
  for (const Field& field : fields_) {
    check(H5Tinsert(type.get(), field.name.c_str(), field.offset, field.memory),
          "add field '" + field.name + "' to memory type of", object, file);
  }
  return type;
}

Handle CompoundType::make_file_type(std::string_view object, const std::filesystem::path& file) const {
  std::size_t size = 0;
  for (const Field& field : fields_) size += H5Tget_size(field.file);
  Handle type(check(H5Tcreate(H5T_COMPOUND, size), "create file type of", object, file), H5Tclose);
  std::size_t offset = 0;  // packed: fields back to back in declaration order, no padding
  for (const Field& field : fields_) {
    check(H5Tinsert(type.get(), field.name.c_str(), offset, field.file),
          "add field '" + field.name + "' to file type of", object, file);
    offset += H5Tget_size(field.file);
  }
  return type;
}

// ---- Object ---------------------------------------------------------------------------------

std::string Object::child_path(std::string_view name) const {
  std::string child = path_;
  if (child.empty() || child.back() != '/') child += '/';
  return child.append(name);
}

void Object::set_attribute(std::string_view name, std::string_view value) {
  const std::string where = "attribute '" + std::string(name) + "' of " + path_;
  const std::string text(value);  // NUL-terminated copy for the variable-length write
  Handle type(check(H5Tcopy(H5T_C_S1), "create string type for", where, file_), H5Tclose);
  check(H5Tset_size(type.get(), H5T_VARIABLE), "create string type for", where, file_);
  check(H5Tset_cset(type.get(), H5T_CSET_UTF8), "create string type for", where, file_);
  const Handle space = scalar_space(where, file_);
  Handle attribute(check(H5Acreate2(id(), std::string(name).c_str(), type.get(), space.get(),
                                    H5P_DEFAULT, H5P_DEFAULT),
                         "create", where, file_),
                   H5Aclose);
  const char* data = text.c_str();
  check(H5Awrite(attribute.get(), type.get(), &data), "write", where, file_);
}

void Object::set_numeric_attribute(std::string_view name, hid_t memory, hid_t file, const void* value) {
  const std::string where = "attribute '" + std::string(name) + "' of " + path_;
  const Handle space = scalar_space(where, file_);
  Handle attribute(check(H5Acreate2(id(), std::string(name).c_str(), file, space.get(), H5P_DEFAULT,
                                    H5P_DEFAULT),
                         "create", where, file_),
                   H5Aclose);
  check(H5Awrite(attribute.get(), memory, value), "write", where, file_);
}

// ---- Dataset --------------------------------------------------------------------------------

void Dataset::make_scale(std::string_view scale_name) {
  if (H5DSset_scale(id(), std::string(scale_name).c_str()) < 0) fail("make a dimension scale of");
}

void Dataset::attach_scale(const Dataset& scale, unsigned dim) {
  if (H5DSattach_scale(id(), scale.id(), dim) < 0) {
    fail("attach dimension scale " + scale.path() + " to dimension " + std::to_string(dim) + " of");
  }
}

void Dataset::set_dimension_label(unsigned dim, std::string_view label) {
  if (H5DSset_label(id(), dim, std::string(label).c_str()) < 0) {
    fail("label dimension " + std::to_string(dim) + " of");
  }
}

Dataset& Dataset::describe(const char* units, std::string_view long_name,
                           std::initializer_list<Dimension> dimensions) {
  if (units != nullptr) set_attribute("units", units);
  set_attribute("long_name", long_name);
  unsigned dim = 0;
  for (const Dimension& d : dimensions) {
    for (const Dataset* scale : d.scales) attach_scale(*scale, dim);
    set_dimension_label(dim, d.label);
    ++dim;
  }
  return *this;
}

// ---- Group ----------------------------------------------------------------------------------

Group Group::create_group(std::string_view name) {
  std::string path = child_path(name);
  const Handle gcpl = timeless_property_list(H5P_GROUP_CREATE, path, file_path());
  Handle group(check(H5Gcreate2(id(), std::string(name).c_str(), H5P_DEFAULT, gcpl.get(), H5P_DEFAULT),
                     "create group", path, file_path()),
               H5Gclose);
  return Group(std::move(group), std::move(path), file_path());
}

Dataset Group::write_strings(std::string_view name, const std::vector<std::string>& values) {
  std::string path = child_path(name);
  const std::filesystem::path& file = file_path();
  Handle type(check(H5Tcopy(H5T_C_S1), "create string type for", path, file), H5Tclose);
  check(H5Tset_size(type.get(), H5T_VARIABLE), "create string type for", path, file);
  check(H5Tset_cset(type.get(), H5T_CSET_UTF8), "create string type for", path, file);
  std::vector<const char*> pointers;
  for (const auto& v : values) pointers.push_back(v.c_str());
  return write_raw(name, std::array<hsize_t, 1>{values.size()}, type.get(), type.get(), pointers.data(),
                   pointers.size(), {});
}

Dataset Group::write_raw(std::string_view name, std::span<const hsize_t> shape, hid_t memory_type,
                         hid_t file_type, const void* data, std::size_t elements,
                         const Storage& storage) {
  std::string path = child_path(name);
  const std::filesystem::path& file = file_path();
  const auto expected = std::accumulate(shape.begin(), shape.end(), hsize_t{1}, std::multiplies<>());
  if (expected != elements) {
    throw IoError("HDF5: cannot write dataset " + path + " in file '" + file.string() + "': " +
                  std::to_string(elements) + " values for a shape of " + std::to_string(expected));
  }

  const Handle dcpl = timeless_property_list(H5P_DATASET_CREATE, path, file);
  // Chunking needs every extent >= 1 and no larger than the (fixed) dataset extent, so an
  // empty dataset stays contiguous.
  if (!storage.chunk.empty() && elements > 0) {
    std::vector<hsize_t> chunk(shape.size(), 1);
    for (std::size_t d = 0; d < shape.size() && d < storage.chunk.size(); ++d) {
      chunk[d] = std::clamp<hsize_t>(storage.chunk[d], 1, shape[d]);
    }
    check(H5Pset_chunk(dcpl.get(), static_cast<int>(chunk.size()), chunk.data()), "set chunking of",
          path, file);
    // Shuffle must come first in the pipeline: it regroups bytes so deflate sees runs.
    if (storage.shuffle) check(H5Pset_shuffle(dcpl.get()), "set shuffle filter of", path, file);
    if (storage.deflate_level > 0) {
      check(H5Pset_deflate(dcpl.get(), static_cast<unsigned>(storage.deflate_level)),
            "set deflate filter of", path, file);
    }
  }

  Handle space(check(H5Screate_simple(static_cast<int>(shape.size()), shape.data(), nullptr),
                     "create dataspace for", path, file),
               H5Sclose);
  Handle dataset(check(H5Dcreate2(id(), std::string(name).c_str(), file_type, space.get(), H5P_DEFAULT,
                                  dcpl.get(), H5P_DEFAULT),
                       "create dataset", path, file),
                 H5Dclose);
  if (elements > 0) {
    check(H5Dwrite(dataset.get(), memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), "write dataset",
          path, file);
  }
  return Dataset(std::move(dataset), std::move(path), file);
}

// ---- File -----------------------------------------------------------------------------------

File File::create_exclusive(const std::filesystem::path& path, const std::filesystem::path& shown_as) {
  // Errors are reported through IoError; HDF5 printing its stack to stderr on top would
  // only confuse the user. (Process-wide in a serial HDF5 build, which is what wom uses.)
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);

  const Handle fapl(check(H5Pcreate(H5P_FILE_ACCESS), "create access property list for", "", path),
                    H5Pclose);
  // "Semi" close: H5Fclose fails while objects are still open instead of quietly keeping
  // the file open, so a forgotten handle is an error before the rename, not a truncated file.
  check(H5Pset_fclose_degree(fapl.get(), H5F_CLOSE_SEMI), "configure", "", path);
  Handle file(check(H5Fcreate(path.c_str(), H5F_ACC_EXCL, H5P_DEFAULT, fapl.get()), "create", "", path),
              H5Fclose);
  return File(std::move(file), "/", shown_as.empty() ? path : shown_as);
}

void File::close() {
  if (id() < 0) return;
  check(H5Fflush(id(), H5F_SCOPE_LOCAL), "flush", "", file_path());
  check(handle_.close(), "close", "", file_path());
}

}  // namespace wom::h5
