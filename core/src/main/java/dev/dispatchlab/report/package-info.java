/**
 * What the commands print and write: the machine and JDK a result was measured on
 * ({@link dev.dispatchlab.report.Environment}), the side-by-side terminal table
 * ({@link dev.dispatchlab.report.ResultTable}), and JSON documents holding every run with every
 * setting ({@link dev.dispatchlab.report.ResultFiles}), so that any figure can be repeated.
 */
package dev.dispatchlab.report;
