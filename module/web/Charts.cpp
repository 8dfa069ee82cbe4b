#include "web/Charts.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace sac::web::charts {
namespace {
namespace mu = kainjow::mustache;

constexpr int kWidth = 720;
constexpr double kCharWidth = 6.6;  ///< an average character at font-size 12, px
constexpr int kLegendRow = 22;

std::string num(double v) { return std::to_string(std::lround(v)); }

/// UTF-8 code points in text.
std::size_t codePoints(const std::string& text) {
    std::size_t n = 0;
    for (unsigned char c : text)
        if ((c & 0xC0) != 0x80) ++n;
    return n;
}

std::int64_t positive(std::int64_t v) { return v < 0 ? 0 : v; }

/// The sum of a bar's drawn values, exactly (two int64 maxima do not overflow).
long double stackOf(const Bar& b) {
    long double sum = 0;
    for (const auto& s : b.segments) sum += static_cast<long double>(positive(s.value));
    return sum;
}

/// A stack as an axis maximum (at most the largest int64).
std::int64_t clampedStack(long double v) {
    const auto max = static_cast<long double>(std::numeric_limits<std::int64_t>::max());
    return v >= max ? std::numeric_limits<std::int64_t>::max() : static_cast<std::int64_t>(v);
}

std::string barText(const Bar& b) {
    if (!b.totalText.empty()) return b.totalText;
    return b.segments.size() == 1 ? b.segments.front().text : std::string();
}

int lookOf(std::size_t series) { return static_cast<int>(series % kLooks); }

/// The legend above a chart with several series; returns its height.
int legend(const Chart& c, mu::data& d) {
    mu::data items{mu::data::type::list};
    if (c.series.size() < 2) {
        d.set("legend", items);
        return 0;
    }
    double x = 8;
    int row = 0;
    for (std::size_t i = 0; i < c.series.size(); ++i) {
        const std::string text = shortened(c.series[i].label, 30);
        const double w = 22 + static_cast<double>(codePoints(text)) * kCharWidth + 18;
        if (x + w > kWidth && x > 8) {
            x = 8;
            ++row;
        }
        mu::data o;
        o.set("look", std::to_string(lookOf(i)));
        o.set("x", num(x));
        o.set("y", num(6 + row * kLegendRow));
        o.set("text_x", num(x + 22));
        o.set("text_y", num(6 + row * kLegendRow + 12));
        o.set("label", text);
        items.push_back(o);
        x += w;
    }
    d.set("legend", items);
    return (row + 1) * kLegendRow + 6;
}

/// The table alternative: one row per bar, a column per series when there
/// are several, and the total.
mu::data table(const Chart& c) {
    mu::data t;
    const bool several = c.series.size() > 1;
    t.set("several", several);
    mu::data heads{mu::data::type::list};
    if (several)
        for (const auto& s : c.series) {
            mu::data h;
            h.set("label", s.label);
            heads.push_back(h);
        }
    t.set("series", heads);
    t.set("category", c.categoryAxis);
    const bool totals = several || !c.totalHeading.empty();
    t.set("has_total", totals);
    t.set("total_heading", c.totalHeading.empty() ? c.valueAxis : c.totalHeading);
    mu::data rows{mu::data::type::list};
    for (const auto& b : c.bars) {
        mu::data r;
        r.set("label", b.tableLabel.empty() ? b.label : b.tableLabel);
        if (!b.labelTech.empty()) r.set("label_tech", b.labelTech);
        r.set("verbatim", b.verbatim);
        mu::data cells{mu::data::type::list};
        const auto cell = [](const std::string& text, const std::string& href) {
            mu::data o;
            o.set("text", text.empty() ? std::string("0") : text);
            if (!href.empty()) o.set("href", href);
            return o;
        };
        if (several) {
            for (std::size_t i = 0; i < c.series.size(); ++i) {
                const Segment* found = nullptr;
                for (const auto& s : b.segments)
                    if (s.series == i) found = &s;
                cells.push_back(found ? cell(found->text, found->href) : cell("", ""));
            }
        } else if (!b.segments.empty()) {
            cells.push_back(cell(b.segments.front().text, b.segments.front().href));
        }
        r.set("cells", cells);
        if (totals) {
            r.set("total_text", barText(b).empty() ? std::string("0") : barText(b));
            if (!b.totalHref.empty()) r.set("total_href", b.totalHref);
            else if (!several && !b.segments.empty() && !b.segments.front().href.empty())
                r.set("total_href", b.segments.front().href);
        }
        rows.push_back(r);
    }
    t.set("rows", rows);
    t.set("empty", c.bars.empty());
    return t;
}

mu::data common(const Chart& c) {
    mu::data d;
    d.set("id", c.id);
    d.set("title", c.title);
    d.set("desc", c.description);
    d.set("category_axis", c.categoryAxis);
    d.set("value_axis", c.valueAxis);
    d.set("table", table(c));
    d.set("wide_table", c.series.size() > 1); // a column per series: the table goes under the chart
    return d;
}

bool allZero(const Chart& c) {
    return std::all_of(c.bars.begin(), c.bars.end(), [](const Bar& b) { return stackOf(b) == 0; });
}

/// The length of value v on an axis whose end stands for `domain`.
double scaled(std::int64_t v, long double domain, double length) {
    return static_cast<double>(static_cast<long double>(positive(v)) / domain * static_cast<long double>(length));
}

} // namespace

Scale niceScale(std::int64_t max) {
    Scale s;
    if (max <= 0) {
        s.ticks = {0, 1};
        return s;
    }
    __extension__ typedef __int128 I;
    const I target = (static_cast<I>(max) + 4) / 5; // at most ~5 steps
    I magnitude = 1;
    while (magnitude * 10 <= target) magnitude *= 10;
    I step = magnitude;
    for (int f : {1, 2, 5, 10}) {
        step = magnitude * f;
        if (step >= target) break;
    }
    I top = (static_cast<I>(max) + step - 1) / step * step;
    const I limit = std::numeric_limits<std::int64_t>::max();
    if (step > limit) step = limit;
    if (top > limit) top = limit;
    s.step = static_cast<std::int64_t>(step);
    s.top = static_cast<std::int64_t>(top);
    for (I t = 0; t <= top && s.ticks.size() < 12; t += step) s.ticks.push_back(static_cast<std::int64_t>(t));
    return s;
}

std::string shortened(const std::string& text, std::size_t maxChars) {
    if (codePoints(text) <= maxChars) return text;
    std::string out;
    std::size_t n = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if ((c & 0xC0) != 0x80 && ++n > maxChars - 1) break;
        out += text[i];
    }
    return out + "…";
}

mu::data horizontalBars(const Chart& c, const TickFormat& tick) {
    mu::data d = common(c);
    const int legendHeight = legend(c, d);
    constexpr int kLabelWidth = 232;
    constexpr int kRow = 30;
    constexpr int kBar = 18;
    constexpr int kValueRoom = 96;
    const double x0 = kLabelWidth;
    const double plot = kWidth - kLabelWidth - kValueRoom;
    const int top = legendHeight + 8;
    const int rows = std::max<int>(1, static_cast<int>(c.bars.size()));
    const int axisY = top + rows * kRow + 4;
    const int height = axisY + 48;
    d.set("width", std::to_string(kWidth));
    d.set("height", std::to_string(height));

    long double max = 0;
    for (const auto& b : c.bars) max = std::max(max, stackOf(b));
    const Scale scale = niceScale(clampedStack(max));
    const long double domain = std::max(static_cast<long double>(scale.top), max);
    const bool empty = c.bars.empty() || allZero(c);
    d.set("empty", empty);
    d.set("empty_text", c.emptyText);
    d.set("empty_x", num(x0 + plot / 2));
    d.set("empty_y", num(top + rows * kRow / 2.0 + 4));

    mu::data ticks{mu::data::type::list};
    for (auto t : scale.ticks) {
        mu::data o;
        const double x = x0 + scaled(t, domain, plot);
        o.set("x", num(x));
        o.set("y1", std::to_string(top));
        o.set("y2", std::to_string(axisY));
        o.set("label_y", std::to_string(axisY + 16));
        o.set("label", tick(t));
        ticks.push_back(o);
    }
    d.set("ticks", ticks);
    d.set("axis_x1", num(x0));
    d.set("axis_x2", num(x0 + plot));
    d.set("axis_y", std::to_string(axisY));
    d.set("axis_title_x", num(x0 + plot / 2));
    d.set("axis_title_y", std::to_string(axisY + 38));

    mu::data bars{mu::data::type::list};
    for (std::size_t i = 0; i < c.bars.size(); ++i) {
        const Bar& b = c.bars[i];
        const int y = top + static_cast<int>(i) * kRow + (kRow - kBar) / 2;
        mu::data o;
        o.set("label", shortened(b.label, 34));
        o.set("full_label", b.label);
        o.set("verbatim", b.verbatim);
        o.set("label_x", num(x0 - 8));
        o.set("label_y", std::to_string(y + kBar / 2 + 4));
        mu::data rects{mu::data::type::list};
        double x = x0;
        for (const auto& s : b.segments) {
            const double w = scaled(s.value, domain, plot);
            if (w <= 0) continue;
            mu::data r;
            r.set("x", num(x));
            r.set("y", std::to_string(y));
            r.set("w", num(std::max(w, 1.0)));
            r.set("h", std::to_string(kBar));
            r.set("look", std::to_string(lookOf(s.series)));
            r.set("tip", (s.series < c.series.size() ? c.series[s.series].label + ": " : std::string()) + s.text);
            rects.push_back(r);
            x += w;
        }
        o.set("rects", rects);
        o.set("value_text", barText(b));
        o.set("value_x", num(x + 6));
        o.set("value_y", std::to_string(y + kBar / 2 + 4));
        bars.push_back(o);
    }
    d.set("bars", bars);
    return d;
}

mu::data verticalBars(const Chart& c, const TickFormat& tick) {
    mu::data d = common(c);
    const int legendHeight = legend(c, d);
    constexpr double x0 = 76;
    constexpr double x1 = kWidth - 12;
    const double y0 = legendHeight + 26; // room for the totals above the tallest column
    constexpr double kPlot = 200;
    const double y1 = y0 + kPlot;
    const int height = static_cast<int>(y1) + 56;
    d.set("width", std::to_string(kWidth));
    d.set("height", std::to_string(height));

    long double max = 0;
    for (const auto& b : c.bars) {
        if (c.grouped) {
            for (const auto& s : b.segments) max = std::max(max, static_cast<long double>(positive(s.value)));
        } else {
            max = std::max(max, stackOf(b));
        }
    }
    const Scale scale = niceScale(clampedStack(max));
    const long double domain = std::max(static_cast<long double>(scale.top), max);
    const bool empty = c.bars.empty() || allZero(c);
    d.set("empty", empty);
    d.set("empty_text", c.emptyText);
    d.set("empty_x", num((x0 + x1) / 2));
    d.set("empty_y", num((y0 + y1) / 2));

    mu::data ticks{mu::data::type::list};
    for (auto t : scale.ticks) {
        mu::data o;
        const double y = y1 - scaled(t, domain, kPlot);
        o.set("y", num(y));
        o.set("x1", num(x0));
        o.set("x2", num(x1));
        o.set("label_x", num(x0 - 6));
        o.set("label_y", num(y + 4));
        o.set("label", tick(t));
        ticks.push_back(o);
    }
    d.set("ticks", ticks);
    d.set("axis_x1", num(x0));
    d.set("axis_x2", num(x1));
    d.set("axis_y1", num(y0));
    d.set("axis_y2", num(y1));
    d.set("axis_title_x", num((x0 + x1) / 2));
    d.set("axis_title_y", num(y1 + 44));
    d.set("value_title_x", "14");
    d.set("value_title_y", num((y0 + y1) / 2));

    const std::size_t n = std::max<std::size_t>(1, c.bars.size());
    const double slot = (x1 - x0) / static_cast<double>(n);
    std::size_t longest = 1;
    for (const auto& b : c.bars) longest = std::max(longest, codePoints(b.label));
    const std::size_t every = std::max<std::size_t>(
        1, static_cast<std::size_t>(std::ceil((static_cast<double>(longest) * kCharWidth + 6) / slot)));
    const std::size_t seriesCount = std::max<std::size_t>(1, c.series.size());
    const double columnWidth = std::min(slot * 0.7, c.grouped ? 22.0 * static_cast<double>(seriesCount) : 56.0);
    mu::data bars{mu::data::type::list};
    for (std::size_t i = 0; i < c.bars.size(); ++i) {
        const Bar& b = c.bars[i];
        const double left = x0 + slot * static_cast<double>(i) + (slot - columnWidth) / 2;
        mu::data o;
        o.set("label", b.label);
        o.set("show_label", i % every == 0);
        o.set("label_x", num(x0 + slot * (static_cast<double>(i) + 0.5)));
        o.set("label_y", num(y1 + 18));
        mu::data rects{mu::data::type::list};
        double y = y1;
        double highest = y1;
        for (std::size_t k = 0; k < b.segments.size(); ++k) {
            const Segment& s = b.segments[k];
            const double h = scaled(s.value, domain, kPlot);
            if (h <= 0) continue;
            mu::data r;
            const double w = c.grouped ? columnWidth / static_cast<double>(seriesCount) : columnWidth;
            const double x = c.grouped ? left + w * static_cast<double>(std::min(s.series, seriesCount - 1)) : left;
            const double top = c.grouped ? y1 - h : y - h;
            r.set("x", num(x));
            r.set("y", num(top));
            r.set("w", num(std::max(w - (c.grouped ? 2 : 0), 1.0)));
            r.set("h", num(std::max(h, 1.0)));
            r.set("look", std::to_string(lookOf(s.series)));
            r.set("tip", (s.series < c.series.size() ? c.series[s.series].label + ": " : std::string()) + s.text);
            // Side by side, each value stands above its own bar when it fits.
            const bool valueFits = c.grouped && static_cast<double>(codePoints(s.text)) * kCharWidth <= w + 10;
            r.set("show_value", valueFits);
            r.set("value_text", s.text);
            r.set("value_x", num(x + w / 2));
            r.set("value_y", num(top - 4));
            rects.push_back(r);
            if (!c.grouped) y -= h;
            highest = std::min(highest, top);
        }
        o.set("rects", rects);
        const std::string total = barText(b);
        const bool fits = !total.empty() && static_cast<double>(codePoints(total)) * kCharWidth <= slot + 2;
        o.set("show_total", fits && stackOf(b) > 0);
        o.set("total_text", total);
        o.set("total_x", num(x0 + slot * (static_cast<double>(i) + 0.5)));
        o.set("total_y", num(highest - 6));
        bars.push_back(o);
    }
    d.set("bars", bars);
    return d;
}

} // namespace sac::web::charts
