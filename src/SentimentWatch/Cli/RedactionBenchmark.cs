using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using SentimentWatch.Core.Privacy;

namespace SentimentWatch.Cli;

/// <summary>
/// <c>bench redaction</c>: how fast the redactor is on the texts the service really sees. The
/// demo mentions (text and title, as the pipeline redacts them) are redacted over and over for
/// <c>--seconds</c>, with the default kinds and with every kind (opt-in addresses and names on);
/// mentions/s on one thread, µs per mention, and the share that held personal data are printed.
/// </summary>
public static class RedactionBenchmark
{
    public static Command Command()
    {
        var input = new Option<FileInfo?>("--input") { Description = "JSON lines with a text field (default: the bundled samples/demo-mentions.jsonl)." };
        var seconds = new Option<int>("--seconds") { Description = "Measured seconds per configuration.", DefaultValueFactory = _ => 5 };
        var command = new Command("bench", "Redaction speed on real-length texts: mentions/s and µs per mention, default kinds and all kinds.")
        {
            input, seconds,
        };
        command.SetAction((ParseResult result, CancellationToken cancellationToken) =>
        {
            var file = result.GetValue(input)?.FullName ?? Path.Combine(AppContext.BaseDirectory, "samples", "demo-mentions.jsonl");
            var texts = File.ReadLines(file)
                .Where(line => !string.IsNullOrWhiteSpace(line))
                .Select(line => JsonDocument.Parse(line).RootElement)
                .Select(m => m.TryGetProperty("text", out var text) ? text.GetString() ?? string.Empty : string.Empty)
                .ToList();
            if (texts.Count == 0)
            {
                Console.Error.WriteLine($"--input '{file}' holds no mentions with a text field.");
                return Task.FromResult(2);
            }

            var span = TimeSpan.FromSeconds(Math.Max(1, result.GetValue(seconds)));
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{texts.Count:N0} texts from {file}, mean {texts.Average(t => t.Length):F0} characters; load average {MachineLoad.Average()}"));
            foreach (var (name, kinds) in new[] { ("default kinds (e-mail, phone, ID, card)", RedactionKinds.Default), ("all kinds (+ address, name)", RedactionKinds.All) })
            {
                Console.Out.WriteLine(Measure(name, texts, kinds, span, cancellationToken));
            }

            return Task.FromResult(0);
        });
        return command;
    }

    private static string Measure(string name, List<string> texts, RedactionKinds kinds, TimeSpan span, CancellationToken cancellationToken)
    {
        // Warm-up: JIT and the regexes' first compilation are not measured.
        var holding = texts.Count(t => PersonalDataRedactor.Find(t, kinds).Count > 0);
        long done = 0;
        var checksum = 0L;
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < span && !cancellationToken.IsCancellationRequested)
        {
            foreach (var text in texts)
            {
                checksum += PersonalDataRedactor.Redact(text, kinds).Length;
            }

            done += texts.Count;
        }

        var elapsed = clock.Elapsed.TotalSeconds;
        var cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{name}: {done / elapsed:N0} mentions/s on one thread, {elapsed * 1e6 / done:F1} µs per mention ({cpuSeconds * 1e6 / done:F1} µs CPU); {holding * 100.0 / texts.Count:F1} % of texts held personal data (checksum {checksum % 1000})");
    }
}
