#include "mapping/to_value.h"

#include <cerrno>
#include <cstdlib>

namespace xs::mapping {
namespace {

bool all_of(const std::string& s, size_t from, const char* set) {
  return from < s.size() && s.find_first_not_of(set, from) == std::string::npos;
}

// 0o17 and 0x1F as decimal text; false when out of range.
bool radix_to_decimal(const std::string& digits, int base, std::string& out) {
  errno = 0;
  char* end = nullptr;
  const unsigned long long v = std::strtoull(digits.c_str(), &end, base);
  if (errno == ERANGE || *end != '\0') return false;
  out = std::to_string(v);
  return true;
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)? rebuilt as a JSON number.
bool decimal_to_json(const std::string& t, std::string& out) {
  size_t i = 0;
  std::string sign;
  if (i < t.size() && (t[i] == '-' || t[i] == '+')) sign = t[i++] == '-' ? "-" : "";
  const size_t int_start = i;
  while (i < t.size() && is_digit(t[i])) ++i;
  std::string int_part = t.substr(int_start, i - int_start);
  std::string frac;
  bool dot = false;
  if (i < t.size() && t[i] == '.') {
    dot = true;
    const size_t frac_start = ++i;
    while (i < t.size() && is_digit(t[i])) ++i;
    frac = t.substr(frac_start, i - frac_start);
  }
  if (int_part.empty() && (frac.empty() || !dot)) return false;
  std::string exp;
  if (i < t.size() && (t[i] == 'e' || t[i] == 'E')) {
    const size_t exp_start = i++;
    if (i < t.size() && (t[i] == '-' || t[i] == '+')) ++i;
    const size_t digits = i;
    while (i < t.size() && is_digit(t[i])) ++i;
    if (i == digits) return false;
    exp = t.substr(exp_start, i - exp_start);
  }
  if (i != t.size()) return false;
  const size_t nonzero = int_part.find_first_not_of('0');
  int_part = nonzero == std::string::npos ? "0" : int_part.substr(nonzero);
  out = sign + int_part + (frac.empty() ? "" : "." + frac) + exp;
  return true;
}

struct Converter {
  Ctx& ctx;
  bool ok = true;

  Value scalar(const yaml::Node& n) {
    const std::string t = n.Scalar();
    if (!n.plain()) {
      const std::string tag = n.Tag();
      if (tag == "!" || tag == "tag:yaml.org,2002:str") return Value::string(t);
    }
    if (t.empty() || t == "~" || t == "null" || t == "Null" || t == "NULL") return Value::null();
    if (t == "true" || t == "True" || t == "TRUE") return Value::boolean_value(true);
    if (t == "false" || t == "False" || t == "FALSE") return Value::boolean_value(false);
    std::string json;
    switch (yaml_number(t, json)) {
      case NumberForm::Json:
        return Value::number(json);
      case NumberForm::NoJsonForm:
        ok = false;
        ctx.error(ctx.loc(n), "number '" + t + "' has no JSON form (quote it to send a string)");
        return Value::null();
      case NumberForm::NotANumber:
        break;
    }
    return Value::string(t);
  }

  Value convert(const yaml::Node& n) {
    if (n.IsScalar()) return scalar(n);
    if (n.IsSequence()) {
      Value v = Value::array();
      v.items.reserve(n.size());
      for (const auto& item : n) v.items.push_back(convert(item));
      return v;
    }
    if (n.IsMap()) {
      Value v = Value::object();
      MapReader reader(ctx, n);
      for (const auto& e : reader.entries()) v.members.emplace_back(e.key, convert(e.value));
      return v;
    }
    return Value::null();
  }
};

}  // namespace

NumberForm yaml_number(const std::string& t, std::string& json) {
  if (t.size() > 2 && t[0] == '0' && t[1] == 'o' && all_of(t, 2, "01234567")) {
    return radix_to_decimal(t.substr(2), 8, json) ? NumberForm::Json : NumberForm::NoJsonForm;
  }
  if (t.size() > 2 && t[0] == '0' && t[1] == 'x' && all_of(t, 2, "0123456789abcdefABCDEF")) {
    return radix_to_decimal(t.substr(2), 16, json) ? NumberForm::Json : NumberForm::NoJsonForm;
  }
  const size_t s = !t.empty() && (t[0] == '-' || t[0] == '+') ? 1 : 0;
  const std::string rest = t.substr(s);
  if (rest == ".inf" || rest == ".Inf" || rest == ".INF") return NumberForm::NoJsonForm;
  if (t == ".nan" || t == ".NaN" || t == ".NAN") return NumberForm::NoJsonForm;
  return decimal_to_json(t, json) ? NumberForm::Json : NumberForm::NotANumber;
}

std::optional<Value> to_value(Ctx& ctx, const yaml::Node& node) {
  Converter c{ctx};
  Value v = c.convert(node);
  if (!c.ok) return std::nullopt;
  return v;
}

}  // namespace xs::mapping
