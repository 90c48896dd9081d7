// SPDX-License-Identifier: MIT
#pragma once
/// @file Read-only access to wom's HDF5 files for the commands that look at results
/// (`wom inspect`, `wom export`). Generic on purpose: it lists what a file holds (groups,
/// datasets, attributes, dimension scales, compound fields) instead of knowing a fixed
/// layout, so files gaining datasets (per-channel series, money, sweeps) need no change here.
///
/// Handles are output/hdf5_file.hpp's RAII handles; every failing HDF5 call becomes a
/// wom::IoError naming the file, the object and HDF5's description of the failure.

#include <hdf5.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "output/hdf5_file.hpp"

namespace wom::cli::h5read {

/// Values read from a dataset, an attribute or one field of a compound table, row-major.
struct Array {
  enum class Kind { kUnsigned, kSigned, kFloat, kString, kOther };
  Kind kind = Kind::kOther;
  std::vector<hsize_t> shape;  ///< empty for a scalar
  std::vector<std::uint64_t> u;
  std::vector<std::int64_t> s;
  std::vector<double> f;
  std::vector<std::string> str;

  [[nodiscard]] std::size_t size() const noexcept;
  [[nodiscard]] bool numeric() const noexcept { return kind == Kind::kUnsigned || kind == Kind::kSigned || kind == Kind::kFloat; }
  /// Element i as a double (NaN for strings).
  [[nodiscard]] double number(std::size_t i) const;
  /// Element i as exact text: integers in full, floats in the shortest form that reads
  /// back to the same double, strings as they are.
  [[nodiscard]] std::string text(std::size_t i) const;
};

/// What a dataset is, without reading its data.
struct DatasetInfo {
  std::vector<hsize_t> shape;
  Array::Kind kind = Array::Kind::kOther;  ///< element kind; kOther for compound tables
  bool compound = false;
  std::vector<std::pair<std::string, Array::Kind>> fields;  ///< compound members, in order
  bool is_scale = false;                                    ///< an HDF5 dimension scale
};

/// A file opened read-only. Object paths are absolute ("/series/new_adopters").
class File {
 public:
  /// @throws IoError if the file does not exist or is not HDF5.
  explicit File(const std::filesystem::path& path);

  [[nodiscard]] const std::filesystem::path& path() const noexcept { return path_; }
  [[nodiscard]] bool is_group(const std::string& object) const;
  [[nodiscard]] bool is_dataset(const std::string& object) const;
  /// Names of a group's members, in name order.
  [[nodiscard]] std::vector<std::string> members(const std::string& group) const;

  /// Every attribute of an object that is a number, a string, or an array of those, in
  /// the order they are stored (the writer's order for small objects). Others (HDF5
  /// references of dimension scales, ...) are skipped.
  [[nodiscard]] std::vector<std::pair<std::string, Array>> attributes(const std::string& object) const;
  [[nodiscard]] std::optional<Array> attribute(const std::string& object, const std::string& name) const;
  /// A scalar attribute as text, or `fallback` when it is absent.
  [[nodiscard]] std::string attribute_text(const std::string& object, const std::string& name,
                                           const std::string& fallback = "") const;

  [[nodiscard]] DatasetInfo info(const std::string& dataset) const;
  /// A whole numeric or string dataset.
  [[nodiscard]] Array read(const std::string& dataset) const;
  /// One field of a compound dataset, shaped like the dataset.
  [[nodiscard]] Array read_field(const std::string& dataset, const std::string& field) const;
  /// Paths of the dimension scales attached to dimension `dim`, in attachment order.
  [[nodiscard]] std::vector<std::string> scales(const std::string& dataset, unsigned dim) const;
  /// The dimension's label (H5DSset_label), or "".
  [[nodiscard]] std::string dimension_label(const std::string& dataset, unsigned dim) const;

 private:
  [[noreturn]] void fail(const std::string& action, const std::string& object) const;
  [[nodiscard]] h5::Handle open_dataset(const std::string& dataset) const;
  /// H5I_GROUP, H5I_DATASET, ... of an existing object; H5I_BADID if it cannot be opened.
  [[nodiscard]] H5I_type_t type_of(const std::string& object) const;

  std::filesystem::path path_;
  h5::Handle file_;
};

/// The last component of an object path ("/series/step" -> "step").
std::string base_name(const std::string& object);

/// The runs of a comparison file (`wom compare`): the groups of /variants, in the order
/// of /comparison/variant (the order the scenarios were given in) where it lists them.
std::vector<std::string> variants(const File& f);

/// One coordinate of a dataset: a named column of values along one of its dimensions.
struct Coordinate {
  std::string name;
  unsigned dim = 0;
  Array values;  ///< empty: the index along the dimension (0, 1, ...)
  [[nodiscard]] std::string text(std::size_t index) const {
    return values.size() ? values.text(index) : std::to_string(index);
  }
};

/// The coordinates of each dimension of `dataset`: every dimension scale attached to it
/// (the one named like the dimension's label first). A dimension without scales takes its
/// label, or else the next of `point`, `replicate`, `channel` that exists as a 1-D dataset
/// in `<root>/series` of the dimension's length (the writers' dimension order), with that
/// dataset's values; failing all, `dim<i>` and the index. `root` is "/" or the group of one
/// run inside a comparison file ("/variants/<name>").
std::vector<Coordinate> coordinates(const File& f, const std::string& dataset, const std::string& root = "/");

}  // namespace wom::cli::h5read
