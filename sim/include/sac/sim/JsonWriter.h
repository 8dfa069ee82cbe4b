#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sac::sim {

/// A small streaming JSON writer that writes integers exactly (64-bit ids never pass
/// through a double) and strings as UTF-8 with the mandatory escapes only. Commas are
/// inserted automatically. Not thread-safe; one writer per response.
class JsonWriter {
public:
  JsonWriter& beginObject();
  JsonWriter& endObject();
  JsonWriter& beginArray();
  JsonWriter& endArray();
  JsonWriter& key(std::string_view k);
  JsonWriter& value(std::string_view s);
  JsonWriter& value(const char* s) { return value(std::string_view(s)); }
  JsonWriter& value(std::int64_t n);
  JsonWriter& value(std::uint64_t n);
  JsonWriter& value(int n) { return value(static_cast<std::int64_t>(n)); }
  JsonWriter& value(bool b);
  JsonWriter& null();
  /// Writes already-serialised JSON as the next value.
  JsonWriter& raw(std::string_view json);

  template <class T>
  JsonWriter& field(std::string_view k, const T& v) {
    key(k);
    return value(v);
  }

  const std::string& str() const { return out_; }
  static std::string quote(std::string_view s);

private:
  void separate();
  std::string out_;
  std::vector<bool> first_;  ///< per open container: no element written yet
  bool after_key_ = false;
};

}  // namespace sac::sim
