/**
 * What the commands print and write: the machine and JDK a result was measured on
 * ({@link dev.dispatchlab.report.Environment}), the terminal tables, the JSON result documents and the
 * HTML report.
 *
 * <h2>Overview</h2>
 * <pre>
 *   RunResult ──► ResultTable (terminal, one row per run)      SweepTable (terminal, per rate + the curve)
 *       │                                                       BenchTable (bench: limits, gateways, ratios, targets)
 *       └────► ResultFiles.Document (JSON: command, arguments, runs, baselines, bench table)
 *                   │  write / load (load checks it is a result document: BadResultFileException)
 *                   ▼
 *              HtmlReport ──► ReportFigures (which charts, what each caption says) ──► Charts (JFreeChart → PNG)
 *              ChartFiles (sweep --charts) ──► the same figures as PNG and SVG files (JFreeSVG)
 * </pre>
 * The JSON document is the result; tables and the report are views of it, so a report can be made
 * later, from several machines' files, without running anything again. Every view shows the same
 * figures the same way: {@link dev.dispatchlab.report.ResultTable#row} is used by the terminal table
 * and the HTML table alike.
 *
 * <h2>The report</h2>
 * One self-contained HTML file: charts are PNGs in base64 data URIs, there is no script and no
 * outside resource, so it can be mailed or archived and reads the same anywhere. Each caption says
 * how its figure was measured (DESIGN.md, "How things are measured"); runs that failed their checks
 * are marked in the tables and left out of every chart. Charts are drawn headless. A test opens the
 * page in headless Chromium and checks it renders, so "self-contained" is checked by a browser and
 * not only by reading the HTML.
 *
 * <h2>Chart files</h2>
 * {@link dev.dispatchlab.report.ChartFiles} writes a sweep's charts as PNG and SVG side by side, for
 * papers and slides: the same JFreeChart objects drawn once on a bitmap and once on JFreeSVG's
 * Graphics2D, so the two cannot disagree. Rotated text (the value axis labels) comes out as outlines
 * in the SVG, as JFreeSVG draws it.
 *
 * <h2>Costs</h2>
 * A report of a full sweep (36 runs) holds about 35 charts, 1.5 MB, and takes a few seconds to draw;
 * nothing here runs while a model is measured.
 *
 * <h2>Not implemented</h2>
 * Comparing runs across documents in one chart (each document is its own section); interactive
 * charts; error bars (a run is one measurement; repeat runs are separate rows).
 */
package dev.dispatchlab.report;
