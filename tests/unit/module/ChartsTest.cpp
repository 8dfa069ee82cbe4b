// The dashboard's SVG charts, drawn through the real templates: hostile names
// arrive escaped and the SVG stays well-formed XML; no data, one bucket and
// huge numbers draw sensibly; every chart has its title, description, axis
// titles, values as text and a table; the patterns keep their contrast.
#include <gtest/gtest.h>

#include <Poco/AutoPtr.h>
#include <Poco/DOM/DOMParser.h>
#include <Poco/DOM/Document.h>
#include <Poco/DOM/Element.h>
#include <Poco/DOM/NodeList.h>
#include <Poco/SAX/SAXException.h>

#include <sac/test/TestDatabase.h>

#include <cmath>
#include <fstream>
#include <limits>
#include <regex>
#include <set>
#include <sstream>

#include "domain/Money.h"
#include "web/Charts.h"
#include "web/Format.h"
#include "web/TemplateEngine.h"

using namespace sac;
using web::charts::Bar;
using web::charts::Chart;
using web::charts::Segment;

namespace {

constexpr const char* kHostile = "<script>alert(\"x\")</script> & 'quoted' <b>";

class ChartRendering : public testing::Test {
protected:
    void SetUp() override {
        auto loaded = web::TemplateEngine::load(test::sourcePath("ui-templates"));
        ASSERT_TRUE(loaded) << loaded.error();
        engine = std::move(loaded.value());
    }

    std::string hbar(const Chart& c) {
        return engine->render("chart_hbar", web::charts::horizontalBars(c, count), "pt-BR");
    }
    std::string vbar(const Chart& c) {
        return engine->render("chart_vbar", web::charts::verticalBars(c, count), "pt-BR");
    }

    static std::string svgOf(const std::string& html) {
        const auto from = html.find("<svg");
        const auto to = html.find("</svg>");
        if (from == std::string::npos || to == std::string::npos) return {};
        return html.substr(from, to + 6 - from);
    }

    /// The SVG parsed as XML (a malformed one fails the test).
    static Poco::AutoPtr<Poco::XML::Document> parse(const std::string& svg) {
        Poco::XML::DOMParser parser;
        try {
            return parser.parseString(svg);
        } catch (const Poco::Exception& e) {
            ADD_FAILURE() << "the SVG is not well-formed XML: " << e.displayText() << "\n" << svg;
            return nullptr;
        }
    }

    static std::vector<double> attributeValues(Poco::XML::Document* doc, const std::string& tag, const std::string& attr) {
        std::vector<double> out;
        Poco::AutoPtr<Poco::XML::NodeList> nodes = doc->getElementsByTagName(tag);
        for (unsigned long i = 0; i < nodes->length(); ++i) {
            auto* e = static_cast<Poco::XML::Element*>(nodes->item(i));
            if (e->hasAttribute(attr)) out.push_back(std::stod(e->getAttribute(attr)));
        }
        return out;
    }

    static Chart causes() {
        Chart c;
        c.id = "t-cause";
        c.title = "Disputas por motivo";
        c.description = "Resumo";
        c.categoryAxis = "Motivo";
        c.valueAxis = "Disputas";
        c.emptyText = "Sem dados";
        c.series.push_back({"Disputas"});
        return c;
    }

    web::charts::TickFormat count = [](std::int64_t v) { return web::formatCount(v, "pt-BR"); };
    std::unique_ptr<web::TemplateEngine> engine;
};

} // namespace

TEST_F(ChartRendering, HostileNamesArriveEscapedAndTheSvgStaysWellFormed) {
    Chart c = causes();
    c.title = std::string("Título ") + kHostile;
    c.description = kHostile;
    c.series = {{std::string("Série ") + kHostile}, {"Outra & mais"}};
    Bar b;
    b.label = kHostile;
    b.labelTech = kHostile;
    b.verbatim = true;
    b.segments = {{0, 3, "3", "/sac/?cause=%3Cscript%3E&x=\"y\""}, {1, 2, "2", ""}};
    b.totalText = "5";
    c.bars.push_back(b);
    for (const std::string& html : {hbar(c), vbar(c)}) {
        EXPECT_EQ(html.find("<script>"), std::string::npos);
        EXPECT_EQ(html.find("<b>"), std::string::npos);
        EXPECT_EQ(html.find("'quoted'"), std::string::npos);
        EXPECT_NE(html.find("&lt;script&gt;"), std::string::npos);
        EXPECT_NE(html.find("&amp;"), std::string::npos);
        // An href that carries a quote stays inside its attribute.
        EXPECT_EQ(html.find("x=\"y\""), std::string::npos);
        EXPECT_NE(html.find("x=&quot;y&quot;"), std::string::npos);
        auto doc = parse(svgOf(html));
        ASSERT_TRUE(doc);
        EXPECT_EQ(doc->documentElement()->getAttribute("role"), "img");
        // The text of the title is the title, unchanged by the round trip.
        Poco::AutoPtr<Poco::XML::NodeList> titles = doc->getElementsByTagName("title");
        ASSERT_GT(titles->length(), 0u);
        EXPECT_EQ(titles->item(0)->innerText(), c.title);
    }
}

TEST_F(ChartRendering, EveryChartHasTitleDescriptionAxesValuesAndATable) {
    Chart c = causes();
    for (int i = 0; i < 4; ++i) {
        Bar b;
        b.label = "Motivo " + std::to_string(i);
        b.segments = {{0, (i + 1) * 1000, web::formatCount((i + 1) * 1000, "pt-BR"), "/sac/?n=" + std::to_string(i)}};
        c.bars.push_back(b);
    }
    const std::string html = hbar(c);
    const std::string svg = svgOf(html);
    auto doc = parse(svg);
    ASSERT_TRUE(doc);
    auto* root = doc->documentElement();
    EXPECT_EQ(root->getAttribute("aria-labelledby"), "t-cause-title t-cause-desc");
    EXPECT_NE(svg.find("<title id=\"t-cause-title\">Disputas por motivo</title>"), std::string::npos);
    EXPECT_NE(svg.find("<desc id=\"t-cause-desc\">Resumo</desc>"), std::string::npos);
    EXPECT_NE(svg.find(">Disputas</text>"), std::string::npos) << "the value axis title";
    EXPECT_NE(svg.find(">4.000</text>"), std::string::npos) << "the largest value as text";
    EXPECT_NE(svg.find(">Motivo 3<"), std::string::npos);
    // The table: one row per bar, each value a link.
    EXPECT_NE(html.find("<caption>Disputas por motivo</caption>"), std::string::npos);
    EXPECT_NE(html.find("<a href=\"/sac/?n=2\" class=\"sac-link\">3.000</a>"), std::string::npos);
    // Bars grow with their values and stay inside the drawing.
    const auto widths = attributeValues(doc, "rect", "width");
    ASSERT_EQ(widths.size(), 4u);
    EXPECT_LT(widths[0], widths[1]);
    EXPECT_LT(widths[2], widths[3]);
    for (double w : widths) EXPECT_LE(w, 720);
}

TEST_F(ChartRendering, NoDataDrawsAnEmptyChartThatSaysSo) {
    for (bool zeros : {false, true}) {
        Chart c = causes();
        if (zeros) {
            Bar b;
            b.label = "Motivo";
            b.segments = {{0, 0, "0", ""}};
            c.bars.push_back(b);
        }
        for (const std::string& html : {hbar(c), vbar(c)}) {
            const std::string svg = svgOf(html);
            auto doc = parse(svg);
            ASSERT_TRUE(doc);
            EXPECT_NE(svg.find(">Sem dados</text>"), std::string::npos);
            EXPECT_EQ(svg.find("class=\"sac-look-0\"><title>"), std::string::npos) << "no bar is drawn";
            EXPECT_NE(html.find("<table"), std::string::npos) << "the table is still there";
        }
    }
}

TEST_F(ChartRendering, OneBucketIsOneModestColumn) {
    Chart c = causes();
    c.series = {{"Pendente"}, {"Fechado"}};
    Bar b;
    b.label = "31/05";
    b.segments = {{0, 2, "2", "/a"}, {1, 5, "5", "/b"}};
    b.totalText = "7";
    b.totalHref = "/c";
    c.bars.push_back(b);
    const std::string html = vbar(c);
    auto doc = parse(svgOf(html));
    ASSERT_TRUE(doc);
    std::vector<double> widths;
    Poco::AutoPtr<Poco::XML::NodeList> rects = doc->getElementsByTagName("rect");
    for (unsigned long i = 0; i < rects->length(); ++i) {
        auto* e = static_cast<Poco::XML::Element*>(rects->item(i));
        if (e->firstChild()) widths.push_back(std::stod(e->getAttribute("width"))); // bars carry a <title>
    }
    ASSERT_EQ(widths.size(), 2u);
    for (double w : widths) EXPECT_LE(w, 60) << "a lone column is not stretched across the chart";
    EXPECT_NE(html.find(">7</text>"), std::string::npos) << "its total as text";
    EXPECT_NE(html.find(">31/05</text>"), std::string::npos) << "its label";
    // The legend names both series; the table has a column for each and the total.
    EXPECT_NE(html.find(">Pendente</text>"), std::string::npos);
    EXPECT_NE(html.find("<a href=\"/c\" class=\"sac-link\">7</a>"), std::string::npos);
}

TEST_F(ChartRendering, HugeNumbersNeitherOverflowNorLeaveTheDrawing) {
    const std::int64_t max = std::numeric_limits<std::int64_t>::max();
    for (std::int64_t top : std::initializer_list<std::int64_t>{max, max - 1, 999'999'999'999'999'999LL, 1}) {
        const auto s = web::charts::niceScale(top);
        EXPECT_GE(s.top, top);
        EXPECT_GT(s.step, 0);
        ASSERT_GE(s.ticks.size(), 2u);
        for (std::size_t i = 1; i < s.ticks.size(); ++i) EXPECT_GT(s.ticks[i], s.ticks[i - 1]);
        EXPECT_LE(s.ticks.back(), s.top);
    }
    EXPECT_EQ(web::charts::niceScale(0).top, 1);
    EXPECT_EQ(web::charts::niceScale(-5).top, 1);
    EXPECT_EQ(web::charts::niceScale(7).step, 2);
    EXPECT_EQ(web::charts::niceScale(7).top, 8);
    EXPECT_EQ(web::charts::niceScale(100).top, 100);

    Chart c = causes();
    c.series = {{"A"}, {"B"}};
    Bar b;
    b.label = "Tudo";
    b.segments = {{0, max, web::formatCount(max, "pt-BR"), "/a"}, {1, max, web::formatCount(max, "pt-BR"), "/b"}};
    b.totalText = "muito";
    c.bars.push_back(b);
    Bar negative;
    negative.label = "Negativo";
    negative.segments = {{0, -50, "-50", ""}};
    c.bars.push_back(negative);
    for (const std::string& html : {hbar(c), vbar(c)}) {
        EXPECT_NE(html.find("9.223.372.036.854.775.807"), std::string::npos);
        auto doc = parse(svgOf(html));
        ASSERT_TRUE(doc);
        for (const char* attr : {"x", "y", "width", "height"})
            for (double v : attributeValues(doc, "rect", attr)) {
                EXPECT_TRUE(std::isfinite(v)) << attr;
                EXPECT_GE(v, 0) << attr;
                EXPECT_LE(v, 1000) << attr;
            }
        // Stacked, the two maxima still end inside the drawing.
        const auto xs = attributeValues(doc, "rect", "x");
        const auto ws = attributeValues(doc, "rect", "width");
        ASSERT_EQ(xs.size(), ws.size());
        for (std::size_t i = 0; i < xs.size(); ++i) EXPECT_LE(xs[i] + ws[i], 721) << i;
    }
}

TEST_F(ChartRendering, LongLabelsAreShortenedInTheDrawingButWholeInTheTable) {
    Chart c = causes();
    Bar b;
    b.label = std::string(60, 'x') + "ção";
    b.segments = {{0, 1, "1", ""}};
    c.bars.push_back(b);
    const std::string html = hbar(c);
    EXPECT_NE(html.find(std::string(33, 'x') + "…"), std::string::npos);
    EXPECT_NE(html.find(std::string(60, 'x') + "ção"), std::string::npos);
    EXPECT_EQ(web::charts::shortened("ação", 3), "aç…");
    EXPECT_EQ(web::charts::shortened("ação", 4), "ação");
}

TEST_F(ChartRendering, ManyColumnsLabelOnlySomeOfThem) {
    Chart c = causes();
    for (int i = 0; i < 31; ++i) {
        Bar b;
        b.label = (i < 9 ? "0" : "") + std::to_string(i + 1) + "/05";
        b.segments = {{0, i, std::to_string(i), ""}};
        c.bars.push_back(b);
    }
    const std::string svg = svgOf(vbar(c));
    const std::regex label(">[0-9]{2}/05</text>");
    const auto shown = std::distance(std::sregex_iterator(svg.begin(), svg.end(), label), std::sregex_iterator());
    EXPECT_GE(shown, 5);
    EXPECT_LT(shown, 31);
}

namespace {

double luminance(int rgb) {
    auto channel = [](int v) {
        const double c = v / 255.0;
        return c <= 0.03928 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4);
    };
    return 0.2126 * channel((rgb >> 16) & 255) + 0.7152 * channel((rgb >> 8) & 255) + 0.0722 * channel(rgb & 255);
}

std::string readSource(const std::string& relative) {
    std::ifstream in(test::sourcePath(relative));
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

} // namespace

TEST(ChartLooks, EveryPatternIsDarkEnoughAndOutlinedInItsOwnColour) {
    const std::string defs = readSource("ui-templates/chart_defs.mustache");
    const std::string css = readSource("ui-templates/static/dashboard.css");
    ASSERT_FALSE(defs.empty());
    ASSERT_FALSE(css.empty());
    for (int look = 0; look < web::charts::kLooks; ++look) {
        const std::regex base("id=\"sac-pat-" + std::to_string(look) + "\"[^>]*><rect [^>]*fill=\"#([0-9a-f]{6})\"");
        std::smatch m;
        ASSERT_TRUE(std::regex_search(defs, m, base)) << "pattern " << look;
        const int rgb = std::stoi(m[1], nullptr, 16);
        const double ratio = (1.0 + 0.05) / (luminance(rgb) + 0.05);
        EXPECT_GE(ratio, 4.5) << "#" << m[1] << " against white";
        EXPECT_NE(css.find(".sac-look-" + std::to_string(look) + " { stroke: #" + std::string(m[1]) + "; }"),
                  std::string::npos)
            << "look " << look << " is outlined in its base colour";
    }
    // Looks differ by more than their colour: no two patterns draw the same marks.
    std::set<std::string> marks;
    const std::regex pattern("<pattern id=\"sac-pat-[0-9]\"([^>]*)>([\\s\\S]*?)</pattern>");
    for (std::sregex_iterator i(defs.begin(), defs.end(), pattern), end; i != end; ++i) {
        std::string shape = std::string((*i)[1]) + std::regex_replace(std::string((*i)[2]), std::regex("#[0-9a-f]{6}"), "");
        marks.insert(shape);
    }
    EXPECT_EQ(marks.size(), static_cast<std::size_t>(web::charts::kLooks));
}
