#pragma once

#include "sac/connectors/MarketplaceError.h"

#include <stdexcept>
#include <type_traits>
#include <utility>
#include <variant>

namespace sac::connectors {

/// Either a value of type T or a MarketplaceError. Expected failures travel as values;
/// reading the wrong alternative is a programming error and throws std::logic_error.
template <typename T>
class [[nodiscard]] Result {
public:
    static_assert(!std::is_same_v<T, MarketplaceError>, "Result<MarketplaceError> is ambiguous");

    Result(T value) : _v(std::in_place_index<0>, std::move(value)) {}              // NOLINT(implicit)
    Result(MarketplaceError error) : _v(std::in_place_index<1>, std::move(error)) {} // NOLINT(implicit)

    bool ok() const noexcept { return _v.index() == 0; }
    explicit operator bool() const noexcept { return ok(); }

    const T& value() const& { check(true); return std::get<0>(_v); }
    T& value() & { check(true); return std::get<0>(_v); }
    T&& value() && { check(true); return std::get<0>(std::move(_v)); }

    const MarketplaceError& error() const& { check(false); return std::get<1>(_v); }
    MarketplaceError&& error() && { check(false); return std::get<1>(std::move(_v)); }

    const T* operator->() const { return &value(); }
    T* operator->() { return &value(); }
    const T& operator*() const& { return value(); }
    T& operator*() & { return value(); }

    /// The value, or `fallback` when this holds an error.
    T valueOr(T fallback) const& { return ok() ? std::get<0>(_v) : std::move(fallback); }

private:
    void check(bool wantValue) const {
        if (ok() != wantValue)
            throw std::logic_error(wantValue ? "Result holds an error: " + std::get<1>(_v).describe()
                                             : "Result holds a value, not an error");
    }
    std::variant<T, MarketplaceError> _v;
};

} // namespace sac::connectors
