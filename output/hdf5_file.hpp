// SPDX-License-Identifier: MIT
#pragma once
/// @file A small RAII layer over the HDF5 C API, just wide enough for wom's writers.
///
/// Every handle is closed by a destructor, so an exception thrown mid-write leaves no open
/// identifier behind. Every failing HDF5 call becomes a wom::IoError naming the file, the
/// object and the action, plus HDF5's own description of the failure; HDF5's automatic
/// error-stack printing is switched off, so nothing from HDF5 ever reaches stderr.
///
/// Serial HDF5 is not thread-safe: use this layer from one thread at a time.
///
/// Conventions chosen here so every wom file looks the same:
///  - numbers are stored little-endian whatever the host (H5T_STD_*LE, H5T_IEEE_F*LE);
///  - strings are scalar, variable-length UTF-8 (h5py reads them as `str`);
///  - object modification times are not recorded, so identical data give identical bytes;
///  - the library's default (earliest) file format, readable by any HDF5 >= 1.8. Strings
///    being variable-length, the 64 KiB limit on attributes does not bind a long scenario.

#include <hdf5.h>

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace wom::h5 {

/// Arithmetic types with an HDF5 counterpart (bool has none of a fixed size).
template <class T>
concept Numeric = std::is_arithmetic_v<T> && !std::is_same_v<T, bool>;

/// The predefined HDF5 type for T in memory (native byte order).
template <Numeric T>
[[nodiscard]] hid_t memory_type() {
  if constexpr (std::is_floating_point_v<T>) {
    static_assert(sizeof(T) == 4 || sizeof(T) == 8, "float or double only");
    return sizeof(T) == 4 ? H5T_NATIVE_FLOAT : H5T_NATIVE_DOUBLE;
  } else if constexpr (std::is_signed_v<T>) {
    if constexpr (sizeof(T) == 1) return H5T_NATIVE_INT8;
    else if constexpr (sizeof(T) == 2) return H5T_NATIVE_INT16;
    else if constexpr (sizeof(T) == 4) return H5T_NATIVE_INT32;
    else return H5T_NATIVE_INT64;
  } else {
    if constexpr (sizeof(T) == 1) return H5T_NATIVE_UINT8;
    else if constexpr (sizeof(T) == 2) return H5T_NATIVE_UINT16;
    else if constexpr (sizeof(T) == 4) return H5T_NATIVE_UINT32;
    else return H5T_NATIVE_UINT64;
  }
}

/// The predefined HDF5 type T is stored as in a file: same width, little-endian.
template <Numeric T>
[[nodiscard]] hid_t file_type() {
  if constexpr (std::is_floating_point_v<T>) {
    return sizeof(T) == 4 ? H5T_IEEE_F32LE : H5T_IEEE_F64LE;
  } else if constexpr (std::is_signed_v<T>) {
    if constexpr (sizeof(T) == 1) return H5T_STD_I8LE;
    else if constexpr (sizeof(T) == 2) return H5T_STD_I16LE;
    else if constexpr (sizeof(T) == 4) return H5T_STD_I32LE;
    else return H5T_STD_I64LE;
  } else {
    if constexpr (sizeof(T) == 1) return H5T_STD_U8LE;
    else if constexpr (sizeof(T) == 2) return H5T_STD_U16LE;
    else if constexpr (sizeof(T) == 4) return H5T_STD_U32LE;
    else return H5T_STD_U64LE;
  }
}

/// Owns one HDF5 identifier and closes it (with the matching H5?close) on destruction.
class Handle {
 public:
  using Closer = herr_t (*)(hid_t);

  Handle() noexcept = default;
  Handle(hid_t id, Closer closer) noexcept : id_(id), closer_(closer) {}
  Handle(Handle&& other) noexcept;
  Handle& operator=(Handle&& other) noexcept;
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  ~Handle();

  [[nodiscard]] hid_t get() const noexcept { return id_; }
  /// Closes now and returns the close call's status (a destructor has to ignore it). On
  /// failure the identifier stays owned, so the destructor tries again: a file that could
  /// not close because an object was still open does close once that object is gone.
  herr_t close() noexcept;

 private:
  hid_t id_ = H5I_INVALID_HID;
  Closer closer_ = nullptr;
};

/// Makes HDF5 silent for the whole process; call first thing in main, before any other HDF5
/// call. Switches off the automatic printing of HDF5's error stack (every failure reaches the
/// user as an IoError, formatted by throw_error) and HDF5's clean-up at exit: that clean-up
/// closes files still open, and on a file whose last write failed (a full disk) the HDF5 of
/// Debian 12 crashes in it. wom closes every file it writes explicitly before renaming it
/// into place, so nothing of value is left to the clean-up.
void quiet_library();

/// Throws IoError("cannot <action> <object> in file '<file>': <HDF5's description>") and
/// clears HDF5's error stack. For callers that go to the C API directly.
[[noreturn]] void throw_error(std::string_view action, std::string_view object,
                              const std::filesystem::path& file);

/// How a dataset is laid out on disk. Chunk extents are clamped to the dataset's shape;
/// an empty `chunk` (or a dataset with no elements) means contiguous, unfiltered storage.
struct Storage {
  std::vector<hsize_t> chunk;
  int deflate_level = 0;  ///< 0 = no compression, else gzip level 1..9
  bool shuffle = false;   ///< byte shuffle before deflate: much better ratios on integers
};

/// Member list of a compound (table) type: C++ struct layout in memory, packed
/// little-endian fields on disk, so padding bytes never reach the file.
class CompoundType {
 public:
  /// `row_size` is sizeof the C++ row struct.
  explicit CompoundType(std::size_t row_size) : row_size_(row_size) {}

  /// Adds a field stored at `offset` in the row struct (use offsetof).
  template <Numeric T>
  CompoundType& add(std::string name, std::size_t offset) {
    fields_.push_back({std::move(name), offset, memory_type<T>(), file_type<T>()});
    return *this;
  }

  /// Fresh HDF5 type identifiers for the two layouts; `object` and `file` name the table
  /// in the error message if building fails.
  [[nodiscard]] Handle make_memory_type(std::string_view object, const std::filesystem::path& file) const;
  [[nodiscard]] Handle make_file_type(std::string_view object, const std::filesystem::path& file) const;

 private:
  struct Field {
    std::string name;
    std::size_t offset;
    hid_t memory;
    hid_t file;
  };
  std::size_t row_size_;
  std::vector<Field> fields_;
};

class Dataset;
class Group;

/// A named HDF5 object in a file: something attributes can be attached to.
class Object {
 public:
  [[nodiscard]] hid_t id() const noexcept { return handle_.get(); }
  /// Path of the object inside the file, e.g. "/series/new_adopters".
  [[nodiscard]] const std::string& path() const noexcept { return path_; }
  [[nodiscard]] const std::filesystem::path& file_path() const noexcept { return file_; }

  /// Writes a scalar variable-length UTF-8 string attribute.
  void set_attribute(std::string_view name, std::string_view value);
  /// Writes a scalar numeric attribute, stored little-endian.
  template <Numeric T>
  void set_attribute(std::string_view name, T value) {
    set_numeric_attribute(name, memory_type<T>(), file_type<T>(), &value);
  }

 protected:
  Object(Handle handle, std::string path, std::filesystem::path file)
      : handle_(std::move(handle)), path_(std::move(path)), file_(std::move(file)) {}

  /// Path of a child called `name`.
  [[nodiscard]] std::string child_path(std::string_view name) const;
  [[noreturn]] void fail(std::string_view action) const { throw_error(action, path_, file_); }

  Handle handle_;

 private:
  void set_numeric_attribute(std::string_view name, hid_t memory, hid_t file, const void* value);

  std::string path_;
  std::filesystem::path file_;
};

/// A dataset once written; kept open to add attributes and dimension scales.
class Dataset : public Object {
 public:
  /// Makes this (1-D) dataset a dimension scale called `scale_name` (H5DSset_scale).
  void make_scale(std::string_view scale_name);
  /// Attaches dimension scale `scale` to dimension `dim` of this dataset. Several scales
  /// may be attached to one dimension; readers list them in attachment order.
  void attach_scale(const Dataset& scale, unsigned dim);
  /// Names dimension `dim` (H5DSset_label; h5py: `ds.dims[dim].label`).
  void set_dimension_label(unsigned dim, std::string_view label);

  /// One dimension of a dataset: its label and the dimension scales attached to it.
  struct Dimension {
    std::string_view label;
    std::initializer_list<const Dataset*> scales;
  };
  /// Says what the dataset holds: `units` (nullptr: none) and `long_name` attributes, then
  /// each dimension in order, labelled and with its scales attached. Returns *this.
  Dataset& describe(const char* units, std::string_view long_name, std::initializer_list<Dimension> dimensions);

 private:
  friend class Group;
  using Object::Object;
};

/// A group (or the file's root group): creates child groups and datasets.
class Group : public Object {
 public:
  [[nodiscard]] Group create_group(std::string_view name);

  /// Creates and writes a dataset of `shape` (row-major `data`, product(shape) elements).
  template <Numeric T>
  Dataset write_dataset(std::string_view name, std::span<const hsize_t> shape,
                        std::span<const T> data, const Storage& storage = {}) {
    return write_raw(name, shape, memory_type<T>(), file_type<T>(), data.data(), data.size(),
                     storage);
  }

  /// A 1-D dataset of variable-length UTF-8 strings (e.g. channel names for a scale).
  Dataset write_strings(std::string_view name, const std::vector<std::string>& values);

  /// A 1-D dimension scale called `name` holding `values`, with `units` (nullptr: none) and
  /// `long_name` attributes.
  template <Numeric T>
  Dataset write_scale(std::string_view name, const std::vector<T>& values, const char* units,
                      std::string_view long_name) {
    const hsize_t shape[] = {values.size()};
    Dataset scale = write_dataset<T>(name, shape, values);
    scale.make_scale(name);
    if (units != nullptr) scale.set_attribute("units", units);
    scale.set_attribute("long_name", long_name);
    return scale;
  }

  /// Creates and writes a 1-D compound table, one element per row.
  template <class Row>
  Dataset write_table(std::string_view name, const CompoundType& type, std::span<const Row> rows) {
    const std::string path = child_path(name);
    const Handle memory = type.make_memory_type(path, file_path());
    const Handle file = type.make_file_type(path, file_path());
    const hsize_t shape[] = {rows.size()};
    return write_raw(name, shape, memory.get(), file.get(), rows.data(), rows.size(), {});
  }

 protected:
  using Object::Object;

 private:
  Dataset write_raw(std::string_view name, std::span<const hsize_t> shape, hid_t memory_type,
                    hid_t file_type, const void* data, std::size_t elements,
                    const Storage& storage);
};

/// An open HDF5 file, viewed as its root group (HDF5 accepts a file identifier wherever a
/// location is expected and means the root group).
class File : public Group {
 public:
  /// Creates `path`, failing (IoError) if it already exists: a writer never clobbers a file
  /// it did not create. Switches HDF5's automatic error printing off first. Errors name the
  /// file `shown_as` if given: the output a temporary file is written for (the user knows that
  /// name; the temporary is gone by the time the message is read).
  [[nodiscard]] static File create_exclusive(const std::filesystem::path& path,
                                             const std::filesystem::path& shown_as = {});

  /// Flushes and closes the file, throwing if that fails (the destructor cannot report
  /// it). Every object opened from this file must be closed already: HDF5 keeps a file
  /// open, silently, for as long as any of its objects is.
  void close();

 private:
  using Group::Group;
};

}  // namespace wom::h5
