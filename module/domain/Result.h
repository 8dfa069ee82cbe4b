// A value or a failure message: the way expected failures travel as values.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <utility>

namespace sac::domain {

/// Holds either a T or an error message (for the log and tests; messages
/// shown to sellers come from the catalogs). Copyable when T is.
template <typename T>
class Result {
public:
    static Result ok(T value) { return Result(std::move(value), {}); }
    static Result fail(std::string message) { return Result(std::nullopt, std::move(message)); }

    bool isOk() const { return _value.has_value(); }
    explicit operator bool() const { return isOk(); }

    /// Throws std::logic_error when called on a failure (a bug in the caller).
    const T& value() const {
        if (!_value) throw std::logic_error("Result::value() on a failure: " + _error);
        return *_value;
    }
    T& value() {
        if (!_value) throw std::logic_error("Result::value() on a failure: " + _error);
        return *_value;
    }
    /// Empty on success.
    const std::string& error() const { return _error; }

private:
    Result(std::optional<T> v, std::string e) : _value(std::move(v)), _error(std::move(e)) {}
    std::optional<T> _value;
    std::string _error;
};

} // namespace sac::domain
