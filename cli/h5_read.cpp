// SPDX-License-Identifier: MIT
#include "cli/h5_read.hpp"

#include <hdf5_hl.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <functional>
#include <iterator>

#include "sim/error.hpp"

namespace wom::cli::h5read {
namespace {

Array::Kind kind_of(hid_t type) {
  switch (H5Tget_class(type)) {
    case H5T_INTEGER: return H5Tget_sign(type) == H5T_SGN_NONE ? Array::Kind::kUnsigned : Array::Kind::kSigned;
    case H5T_FLOAT: return Array::Kind::kFloat;
    case H5T_STRING: return Array::Kind::kString;
    default: return Array::Kind::kOther;
  }
}

hid_t native_of(Array::Kind kind) {
  switch (kind) {
    case Array::Kind::kUnsigned: return H5T_NATIVE_UINT64;
    case Array::Kind::kSigned: return H5T_NATIVE_INT64;
    default: return H5T_NATIVE_DOUBLE;
  }
}

std::size_t elements(const std::vector<hsize_t>& shape) {
  std::size_t n = 1;
  for (const hsize_t d : shape) n *= static_cast<std::size_t>(d);
  return n;
}

std::vector<hsize_t> shape_of(hid_t space) {
  const int rank = H5Sget_simple_extent_ndims(space);
  std::vector<hsize_t> shape(static_cast<std::size_t>(std::max(rank, 0)));
  if (rank > 0) H5Sget_simple_extent_dims(space, shape.data(), nullptr);
  return shape;
}

/// Reads strings of the given file type through `read(memory_type, buffer)`.
/// Variable-length strings come back as char* to reclaim; fixed ones as padded bytes.
template <class Read>
bool read_strings(hid_t file_type, hid_t space, std::size_t n, std::vector<std::string>& out, Read read) {
  out.clear();
  if (H5Tis_variable_str(file_type) > 0) {
    h5::Handle memory(H5Tcopy(H5T_C_S1), H5Tclose);
    H5Tset_size(memory.get(), H5T_VARIABLE);
    H5Tset_cset(memory.get(), H5Tget_cset(file_type));
    std::vector<char*> buffer(n, nullptr);
    if (n > 0 && read(memory.get(), buffer.data()) < 0) return false;
    for (char* p : buffer) out.emplace_back(p ? p : "");
    if (n > 0) H5Dvlen_reclaim(memory.get(), space, H5P_DEFAULT, buffer.data());
    return true;
  }
  const std::size_t width = H5Tget_size(file_type);
  h5::Handle memory(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(memory.get(), width);
  H5Tset_cset(memory.get(), H5Tget_cset(file_type));
  H5Tset_strpad(memory.get(), H5T_STR_NULLPAD);
  std::vector<char> buffer(n * width + 1, '\0');
  if (n > 0 && read(memory.get(), buffer.data()) < 0) return false;
  for (std::size_t i = 0; i < n; ++i) {
    std::string value(buffer.data() + i * width, width);
    value.resize(std::strlen(value.c_str()));
    while (!value.empty() && value.back() == ' ') value.pop_back();
    out.push_back(std::move(value));
  }
  return true;
}

/// Reads `n` numbers or strings of `kind` via `read(memory_type, buffer)`.
template <class Read>
bool read_values(Array& a, hid_t file_type, hid_t space, Read read) {
  const std::size_t n = elements(a.shape);
  switch (a.kind) {
    case Array::Kind::kUnsigned: a.u.resize(n); return n == 0 || read(native_of(a.kind), a.u.data()) >= 0;
    case Array::Kind::kSigned: a.s.resize(n); return n == 0 || read(native_of(a.kind), a.s.data()) >= 0;
    case Array::Kind::kFloat: a.f.resize(n); return n == 0 || read(native_of(a.kind), a.f.data()) >= 0;
    case Array::Kind::kString: return read_strings(file_type, space, n, a.str, read);
    default: return false;
  }
}

}  // namespace

std::string base_name(const std::string& object) {
  const auto slash = object.rfind('/');
  return slash == std::string::npos ? object : object.substr(slash + 1);
}

// ---- Array ------------------------------------------------------------------------------

std::size_t Array::size() const noexcept {
  switch (kind) {
    case Kind::kUnsigned: return u.size();
    case Kind::kSigned: return s.size();
    case Kind::kFloat: return f.size();
    case Kind::kString: return str.size();
    default: return 0;
  }
}

double Array::number(std::size_t i) const {
  switch (kind) {
    case Kind::kUnsigned: return static_cast<double>(u[i]);
    case Kind::kSigned: return static_cast<double>(s[i]);
    case Kind::kFloat: return f[i];
    default: return NAN;
  }
}

std::string Array::text(std::size_t i) const {
  switch (kind) {
    case Kind::kUnsigned: return std::to_string(u[i]);
    case Kind::kSigned: return std::to_string(s[i]);
    case Kind::kFloat: {
      if (std::isnan(f[i])) return "nan";
      if (std::isinf(f[i])) return f[i] > 0 ? "inf" : "-inf";
      char text[64];
      const auto end = std::to_chars(text, text + sizeof text, f[i]).ptr;  // shortest round trip
      return std::string(text, end);
    }
    case Kind::kString: return str[i];
    default: return "";
  }
}

// ---- File -------------------------------------------------------------------------------

File::File(const std::filesystem::path& path) : path_(path) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error)) {
    throw IoError("'" + path.string() + "': " +
                  (std::filesystem::exists(path, error) ? "not a regular file" : "no such file"));
  }
  if (H5Fis_hdf5(path.c_str()) <= 0) {
    H5Eclear2(H5E_DEFAULT);
    throw IoError("'" + path.string() + "' is not an HDF5 file");
  }
  const hid_t id = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (id < 0) fail("open", "/");
  file_ = h5::Handle(id, H5Fclose);
}

void File::fail(const std::string& action, const std::string& object) const {
  h5::throw_error(action, object, path_);
}

bool File::is_group(const std::string& object) const {
  if (object == "/") return true;
  // Check each link on the way down: H5Lexists fails on a missing intermediate group.
  std::string prefix;
  std::size_t start = 1;
  while (start <= object.size()) {
    const std::size_t end = std::min(object.find('/', start), object.size());
    prefix += '/';
    prefix.append(object, start, end - start);
    if (H5Lexists(file_.get(), prefix.c_str(), H5P_DEFAULT) <= 0) {
      H5Eclear2(H5E_DEFAULT);
      return false;
    }
    start = end + 1;
  }
  return type_of(object) == H5I_GROUP;
}

bool File::is_dataset(const std::string& object) const {
  const auto slash = object.rfind('/');
  const std::string parent = slash == 0 ? "/" : object.substr(0, slash);
  if (!is_group(parent) || H5Lexists(file_.get(), object.c_str(), H5P_DEFAULT) <= 0) {
    H5Eclear2(H5E_DEFAULT);
    return false;
  }
  return type_of(object) == H5I_DATASET;
}

H5I_type_t File::type_of(const std::string& object) const {
  const h5::Handle obj(H5Oopen(file_.get(), object.c_str(), H5P_DEFAULT), H5Oclose);
  if (obj.get() < 0) {
    H5Eclear2(H5E_DEFAULT);
    return H5I_BADID;
  }
  return H5Iget_type(obj.get());
}

std::vector<std::string> File::members(const std::string& group) const {
  std::vector<std::string> names;
  const auto collect = [](hid_t, const char* name, const H5L_info_t*, void* out) -> herr_t {
    static_cast<std::vector<std::string>*>(out)->emplace_back(name);
    return 0;
  };
  if (H5Literate_by_name(file_.get(), group.c_str(), H5_INDEX_NAME, H5_ITER_INC, nullptr, collect, &names,
                         H5P_DEFAULT) < 0) {
    fail("list the members of", group);
  }
  return names;
}

std::vector<std::pair<std::string, Array>> File::attributes(const std::string& object) const {
  h5::Handle obj(H5Oopen(file_.get(), object.c_str(), H5P_DEFAULT), H5Oclose);
  if (obj.get() < 0) fail("open", object);
  std::vector<std::string> names;
  const auto collect = [](hid_t, const char* name, const H5A_info_t*, void* out) -> herr_t {
    static_cast<std::vector<std::string>*>(out)->emplace_back(name);
    return 0;
  };
  // Native order: creation order for the compact attribute storage of small objects.
  if (H5Aiterate2(obj.get(), H5_INDEX_NAME, H5_ITER_NATIVE, nullptr, collect, &names) < 0) {
    fail("list the attributes of", object);
  }
  std::vector<std::pair<std::string, Array>> out;
  for (const std::string& name : names) {
    if (auto value = attribute(object, name)) out.emplace_back(name, std::move(*value));
  }
  return out;
}

std::optional<Array> File::attribute(const std::string& object, const std::string& name) const {
  if (H5Aexists_by_name(file_.get(), object.c_str(), name.c_str(), H5P_DEFAULT) <= 0) {
    H5Eclear2(H5E_DEFAULT);
    return std::nullopt;
  }
  h5::Handle attr(H5Aopen_by_name(file_.get(), object.c_str(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT),
                  H5Aclose);
  if (attr.get() < 0) fail("open attribute '" + name + "' of", object);
  h5::Handle type(H5Aget_type(attr.get()), H5Tclose);
  h5::Handle space(H5Aget_space(attr.get()), H5Sclose);
  Array a;
  a.kind = kind_of(type.get());
  if (a.kind == Array::Kind::kOther) return std::nullopt;
  a.shape = shape_of(space.get());
  const hid_t id = attr.get();
  if (!read_values(a, type.get(), space.get(), [&](hid_t memory, void* buffer) { return H5Aread(id, memory, buffer); })) {
    fail("read attribute '" + name + "' of", object);
  }
  return a;
}

std::string File::attribute_text(const std::string& object, const std::string& name,
                                 const std::string& fallback) const {
  const auto a = attribute(object, name);
  return a && a->size() > 0 ? a->text(0) : fallback;
}

h5::Handle File::open_dataset(const std::string& dataset) const {
  h5::Handle d(H5Dopen2(file_.get(), dataset.c_str(), H5P_DEFAULT), H5Dclose);
  if (d.get() < 0) fail("open dataset", dataset);
  return d;
}

DatasetInfo File::info(const std::string& dataset) const {
  const h5::Handle d = open_dataset(dataset);
  h5::Handle type(H5Dget_type(d.get()), H5Tclose);
  h5::Handle space(H5Dget_space(d.get()), H5Sclose);
  DatasetInfo info;
  info.shape = shape_of(space.get());
  info.kind = kind_of(type.get());
  info.compound = H5Tget_class(type.get()) == H5T_COMPOUND;
  if (info.compound) {
    const int members = H5Tget_nmembers(type.get());
    for (int m = 0; m < members; ++m) {
      char* name = H5Tget_member_name(type.get(), static_cast<unsigned>(m));
      h5::Handle member(H5Tget_member_type(type.get(), static_cast<unsigned>(m)), H5Tclose);
      info.fields.emplace_back(name ? name : "", kind_of(member.get()));
      H5free_memory(name);
    }
  }
  info.is_scale = H5DSis_scale(d.get()) > 0;
  H5Eclear2(H5E_DEFAULT);
  return info;
}

Array File::read(const std::string& dataset) const {
  const h5::Handle d = open_dataset(dataset);
  h5::Handle type(H5Dget_type(d.get()), H5Tclose);
  h5::Handle space(H5Dget_space(d.get()), H5Sclose);
  Array a;
  a.kind = kind_of(type.get());
  a.shape = shape_of(space.get());
  if (a.kind == Array::Kind::kOther) fail("read (not numbers or strings)", dataset);
  const hid_t id = d.get();
  if (!read_values(a, type.get(), space.get(), [&](hid_t memory, void* buffer) {
        return H5Dread(id, memory, H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer);
      })) {
    fail("read", dataset);
  }
  return a;
}

Array File::read_field(const std::string& dataset, const std::string& field) const {
  const h5::Handle d = open_dataset(dataset);
  h5::Handle type(H5Dget_type(d.get()), H5Tclose);
  h5::Handle space(H5Dget_space(d.get()), H5Sclose);
  const int index = H5Tget_member_index(type.get(), field.c_str());
  if (index < 0) fail("find field '" + field + "' in", dataset);
  h5::Handle member(H5Tget_member_type(type.get(), static_cast<unsigned>(index)), H5Tclose);
  Array a;
  a.kind = kind_of(member.get());
  a.shape = shape_of(space.get());
  if (a.kind == Array::Kind::kOther) fail("read field '" + field + "' (not numbers or strings) of", dataset);
  const hid_t id = d.get();
  // A compound memory type holding just this member: HDF5 picks it out of each row by name.
  const auto read = [&](hid_t memory, void* buffer) -> herr_t {
    h5::Handle one(H5Tcreate(H5T_COMPOUND, H5Tget_size(memory)), H5Tclose);
    if (one.get() < 0 || H5Tinsert(one.get(), field.c_str(), 0, memory) < 0) return -1;
    return H5Dread(id, one.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer);
  };
  if (!read_values(a, member.get(), space.get(), read)) fail("read field '" + field + "' of", dataset);
  return a;
}

std::vector<std::string> File::scales(const std::string& dataset, unsigned dim) const {
  const h5::Handle d = open_dataset(dataset);
  std::vector<std::string> paths;
  if (H5DSget_num_scales(d.get(), dim) <= 0) {
    H5Eclear2(H5E_DEFAULT);
    return paths;
  }
  const auto visit = [](hid_t, unsigned, hid_t scale, void* out) -> herr_t {
    const ssize_t length = H5Iget_name(scale, nullptr, 0);
    std::string name(static_cast<std::size_t>(std::max<ssize_t>(length, 0)), '\0');
    if (length > 0) H5Iget_name(scale, name.data(), name.size() + 1);
    static_cast<std::vector<std::string>*>(out)->push_back(name);
    return 0;
  };
  if (H5DSiterate_scales(d.get(), dim, nullptr, visit, &paths) < 0) fail("list the dimension scales of", dataset);
  return paths;
}

std::string File::dimension_label(const std::string& dataset, unsigned dim) const {
  const h5::Handle d = open_dataset(dataset);
  const ssize_t length = H5DSget_label(d.get(), dim, nullptr, 0);
  if (length <= 0) {
    H5Eclear2(H5E_DEFAULT);
    return "";
  }
  std::string label(static_cast<std::size_t>(length), '\0');
  H5DSget_label(d.get(), dim, label.data(), label.size() + 1);
  return label;
}

std::vector<std::string> variants(const File& f) {
  std::vector<std::string> groups, out;
  if (!f.is_group("/variants")) return out;
  for (const std::string& v : f.members("/variants"))
    if (f.is_group("/variants/" + v)) groups.push_back(v);
  if (f.is_dataset("/comparison/variant")) {
    const Array order = f.read("/comparison/variant");
    for (std::size_t i = 0; i < order.size(); ++i)
      if (std::find(groups.begin(), groups.end(), order.text(i)) != groups.end()) out.push_back(order.text(i));
  }
  for (const std::string& g : groups)
    if (std::find(out.begin(), out.end(), g) == out.end()) out.push_back(g);
  return out;
}

std::vector<Coordinate> coordinates(const File& f, const std::string& dataset, const std::string& root) {
  const DatasetInfo info = f.info(dataset);
  const std::string series = (root == "/" ? "" : root) + "/series/";
  static const char* const kKnown[] = {"point", "replicate", "channel"};
  const auto known_scale = [&](const std::string& name, hsize_t length) -> std::optional<Array> {
    if (!f.is_dataset(series + name)) return std::nullopt;
    const DatasetInfo scale = f.info(series + name);
    if (scale.shape.size() != 1 || scale.shape[0] != length || scale.compound) return std::nullopt;
    return f.read(series + name);
  };
  std::vector<Coordinate> out;
  std::size_t next_known = 0;
  for (unsigned d = 0; d < info.shape.size(); ++d) {
    const std::string label = f.dimension_label(dataset, d);
    auto scales = f.scales(dataset, d);
    std::stable_sort(scales.begin(), scales.end(), [&](const std::string& a, const std::string& b) {
      return base_name(a) == label && base_name(b) != label;
    });
    for (const std::string& s : scales) out.push_back({base_name(s), d, f.read(s)});
    if (!scales.empty()) continue;
    if (!label.empty()) {
      out.push_back({label, d, known_scale(label, info.shape[d]).value_or(Array{})});
      continue;
    }
    bool named = false;
    for (std::size_t k = next_known; k < std::size(kKnown) && !named; ++k) {
      if (auto values = known_scale(kKnown[k], info.shape[d])) {
        out.push_back({kKnown[k], d, std::move(*values)});
        next_known = k + 1;
        named = true;
      }
    }
    if (!named) {
      std::string name = "dim";
      name += std::to_string(d);
      out.push_back({std::move(name), d, {}});
    }
  }
  return out;
}

}  // namespace wom::cli::h5read
