// Accessible SVG charts drawn on the server (decision 0033): the geometry is
// computed here and written out by ui-templates/chart_hbar.mustache and
// chart_vbar.mustache (escaped like every template), each chart with a
// <title>, a <desc>, axis titles, its values as text and a table with the
// same numbers (each a link when the chart gives one).
//
// Series are told apart without colour: each has its own pattern
// (chart_defs.mustache, one per page) over a dark base colour with at least
// 4.5:1 contrast against white, and a legend. No JavaScript. Pure;
// thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <kainjow/mustache.hpp>

namespace sac::web::charts {

/// How many distinct patterns there are (series beyond reuse them in turn).
constexpr int kLooks = 8;

struct Series {
    std::string label;
};

/// One value of a bar: its series (index into Chart::series), the value
/// (negative values draw as zero), its text and the list it links to.
struct Segment {
    std::size_t series = 0;
    std::int64_t value = 0;
    std::string text;
    std::string href; ///< "" = no link
};

/// A row of a horizontal chart or a column of a vertical one.
struct Bar {
    std::string label;
    std::string tableLabel; ///< the table's name of the bar when it says more than label ("" = label)
    std::string labelTech; ///< a raw code shown small beside the label in the table
    bool verbatim = false; ///< the label is a marketplace's or a buyer's text, shown as it is
    std::vector<Segment> segments;
    std::string totalText; ///< "" = the bar has no total (one segment: its text)
    std::string totalHref;
};

struct Chart {
    std::string id;          ///< unique in the page: [a-z0-9-]
    std::string title;
    std::string description; ///< what the chart shows, in words (<desc>)
    std::string categoryAxis; ///< the categories' axis title and the table's first heading
    std::string valueAxis;    ///< the values' axis title
    std::string totalHeading; ///< the table's total column ("" = none)
    std::string emptyText;    ///< shown when every value is zero or there is no bar
    std::vector<Series> series;
    std::vector<Bar> bars;
    /// Side by side instead of stacked (vertical charts).
    bool grouped = false;
};

/// Formats an axis tick (a value of the chart's unit).
using TickFormat = std::function<std::string(std::int64_t)>;

/// Data for chart_hbar.mustache: one row per bar, segments stacked.
kainjow::mustache::data horizontalBars(const Chart& chart, const TickFormat& tick);
/// Data for chart_vbar.mustache: one column per bar, segments stacked (or grouped).
kainjow::mustache::data verticalBars(const Chart& chart, const TickFormat& tick);

/// The scale of a value axis: ticks 0, step, 2·step, ... up to top >= max,
/// step = 1, 2 or 5 × 10^k, at most 6 ticks. max <= 0 gives top 1.
struct Scale {
    std::int64_t step = 1;
    std::int64_t top = 1;
    std::vector<std::int64_t> ticks;
};
Scale niceScale(std::int64_t max);

/// At most `maxChars` characters (UTF-8 aware), "…" when cut.
std::string shortened(const std::string& text, std::size_t maxChars);

} // namespace sac::web::charts
