#pragma once
// Errors as values: no exception crosses the plugin boundary.
#include <string>
#include <utility>
#include <variant>

namespace shiming::sdk {

// A machine code (UPPER_SNAKE), and a message a person understands in
// English and in zh-CN.
struct Error {
  std::string code;
  std::string message;
  std::string message_zh;
  std::string field;  // optional: the input field at fault
};

inline Error make_error(std::string code, std::string message, std::string message_zh,
                        std::string field = {}) {
  return Error{std::move(code), std::move(message), std::move(message_zh), std::move(field)};
}

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}          // NOLINT: implicit by design
  Result(Error error) : v_(std::move(error)) {}      // NOLINT: implicit by design
  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

// Result without a value.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT
  static Status Ok() { return {}; }
  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const { return error_; }

 private:
  Error error_;
  bool ok_ = true;
};

}  // namespace shiming::sdk
