// Checked HDF5 calls and RAII over HDF5 ids, shared by the store (hdf5_schema/*.cpp)
// and the analysis file writer/reader (analysis/). Every HDF5 id is owned by a
// Handle (move-only, never throws on close) and every HDF5 C call goes through
// check(), which turns a failure into a std::runtime_error naming the call, the
// file and HDF5's own error stack.
#pragma once

#include <hdf5.h>

#include <algorithm>
#include <string>
#include <type_traits>
#include <utility>
#include <stdexcept>

namespace sweep::store {

// ---------------------------------------------------------------------------
// Errors


inline herr_t collect_error(unsigned n, const H5E_error2_t* err, void* data) {
  auto& out = *static_cast<std::string*>(data);
  if (n > 0) out += "; ";
  out += err->func_name ? err->func_name : "?";
  out += "(): ";
  out += err->desc ? err->desc : "";
  char minor[128] = {0};
  if (H5Eget_msg(err->min_num, nullptr, minor, sizeof minor) > 0) {
    out += " [";
    out += minor;
    out += "]";
  }
  return 0;
}

// HDF5's current error stack as one line (outermost call first), then cleared.
inline std::string hdf5_error_stack() {
  std::string msg;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, collect_error, &msg);
  H5Eclear2(H5E_DEFAULT);
  std::replace(msg.begin(), msg.end(), '\n', ' ');  // HDF5's texts carry newlines; errors stay one line
  return msg.empty() ? std::string("no HDF5 error stack") : msg;
}

// The one check for every HDF5 call: herr_t, htri_t and hid_t are all
// negative on failure.
template <typename T>
T check(T result, const char* call, const std::string& path) {
  static_assert(std::is_integral_v<T> && std::is_signed_v<T>, "HDF5 status or id expected");
  if (result < 0) {
    const std::string stack = hdf5_error_stack();
    // A system error under HDF5's stack (a full disk, a permission) leads the
    // message, so it is read before the stack's internals.
    const std::string tag = "error message = '";
    const auto at = stack.find(tag);
    const auto end = at == std::string::npos ? at : stack.find('\'', at + tag.size());
    const std::string cause = end == std::string::npos ? "" : " (" + stack.substr(at + tag.size(), end - at - tag.size()) + ")";
    throw std::runtime_error(path + ": " + call + " failed" + cause + ": " + stack);
  }
  return result;
}

// Turns HDF5's automatic error printing off (for the default error stack, so
// for the whole process in a non-threadsafe HDF5 build): failures are reported
// once, through check(), as exceptions.
inline void quiet_hdf5(const std::string& path) {
  check(H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr), "H5Eset_auto2", path);
}

// ---------------------------------------------------------------------------
// RAII over HDF5 ids

class Handle {
 public:
  using Closer = herr_t (*)(hid_t);

  Handle() = default;
  Handle(hid_t id, Closer close) noexcept : id_(id), close_(close) {}
  Handle(Handle&& o) noexcept : id_(std::exchange(o.id_, H5I_INVALID_HID)), close_(o.close_) {}
  Handle& operator=(Handle&& o) noexcept {
    if (this != &o) {
      reset();
      id_ = std::exchange(o.id_, H5I_INVALID_HID);
      close_ = o.close_;
    }
    return *this;
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  ~Handle() { reset(); }

  hid_t get() const noexcept { return id_; }
  explicit operator bool() const noexcept { return id_ >= 0; }

  // Closes now. A failing close is not reported (destructors must not throw);
  // its error stack is cleared so it cannot leak into a later message.
  void reset() noexcept {
    if (id_ >= 0 && close_ != nullptr) {
      if (close_(id_) < 0) H5Eclear2(H5E_DEFAULT);
    }
    id_ = H5I_INVALID_HID;
  }

 private:
  hid_t id_ = H5I_INVALID_HID;
  Closer close_ = nullptr;
};

// Checks the id returned by `call` and takes ownership of it.
inline Handle own(hid_t id, Handle::Closer close, const char* call, const std::string& path) {
  return Handle(check(id, call, path), close);
}

// A fixed-length, NUL-terminated UTF-8 string type of `size` bytes (the
// store's text columns and attributes, and the analysis findings file's).
inline Handle string_type(std::size_t size, const std::string& path) {
  Handle t = own(H5Tcopy(H5T_C_S1), H5Tclose, "H5Tcopy", path);
  check(H5Tset_size(t.get(), size), "H5Tset_size", path);
  check(H5Tset_strpad(t.get(), H5T_STR_NULLTERM), "H5Tset_strpad", path);
  check(H5Tset_cset(t.get(), H5T_CSET_UTF8), "H5Tset_cset", path);
  return t;
}

// True if an HDF5 error text says the superblock's "open for write" flags are
// set (a live writer, or one that died without closing the file).
inline bool status_flags_set(const std::string& error) {
  return error.find("consistency flags") != std::string::npos ||
         error.find("already open for write") != std::string::npos;
}

// Metadata read attempts of a SWMR reader. HDF5 retries a metadata block whose
// checksum fails (it may be half-written by the live writer), sleeping 1 ns,
// 2 ns, 4 ns, ... between tries; its default of 100 tries would sleep ~2^100
// ns on a block that is damaged for good. 20 tries wait ~1 ms in all, enough
// for a writer's flush to land.
constexpr unsigned kSwmrReaderReadAttempts = 20;

// Opens a store read-only: plainly, or, while a SWMR writer has it open, as a
// SWMR reader. A file left by a killed writer can be opened by neither.
inline Handle open_for_reading(const std::string& path) {
  quiet_hdf5(path);
  hid_t id = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (id >= 0) return Handle(id, H5Fclose);
  const std::string plain = hdf5_error_stack();
  if (status_flags_set(plain)) {
    Handle fapl = own(H5Pcreate(H5P_FILE_ACCESS), H5Pclose, "H5Pcreate", path);
    check(H5Pset_metadata_read_attempts(fapl.get(), kSwmrReaderReadAttempts), "H5Pset_metadata_read_attempts",
          path);
    id = H5Fopen(path.c_str(), H5F_ACC_RDONLY | H5F_ACC_SWMR_READ, fapl.get());
    if (id >= 0) return Handle(id, H5Fclose);
    H5Eclear2(H5E_DEFAULT);
    throw std::runtime_error(path + ": H5Fopen failed: " + plain +
                             " -- the store's writer died without closing it (or is not "
                             "writing it as SWMR); `sweep --resume` recovers it, or "
                             "`h5clear -s --increment " + path +
                             "` on a copy makes the flushed rows readable");
  }
  throw std::runtime_error(path + ": H5Fopen failed: " + plain);
}

}  // namespace sweep::store
