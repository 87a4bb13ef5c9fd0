using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SentimentWatch.Crawling.Cli;
using SentimentWatch.Crawling.State;

namespace SentimentWatch.Crawling.Sources;

/// <summary>Where a source's definition lives.</summary>
public enum SourceOrigin
{
    /// <summary><c>Crawling:Sources</c> in configuration: read-only over the API (pause and resume apart).</summary>
    Configuration,

    /// <summary>Added over the admin API and kept in the state store.</summary>
    Api,
}

/// <summary>A source as the crawler sees it now: its definition, where it comes from, and whether it is paused.</summary>
public sealed record CatalogedSource(CrawlSource Definition, SourceOrigin Origin, SourcePauseRecord? Pause, ManagedSourceRecord? Record)
{
    public string Id => Definition.Id;

    public bool Paused => Pause is not null;

    /// <summary>Runs on its schedule: enabled, not paused, and has a schedule.</summary>
    public bool Runs => Definition.Enabled && !Paused && (Definition.Interval is not null || !string.IsNullOrWhiteSpace(Definition.Cron));
}

/// <summary>One change to a source as the audit keeps it.</summary>
public sealed record SourceChange(string SourceId, DateTimeOffset At, string Actor, string Action, CrawlSource? Definition);

/// <summary>The outcome of a change request: done, or refused with the reason a caller can act on.</summary>
public enum CatalogOutcome
{
    Done,
    NotFound,
    Conflict,
    ReadOnly,
}

/// <summary>
/// Every source the crawler knows: the configured ones (read at every call, so configuration
/// reloads apply) and the ones managed over the API (kept in the state store, so every worker
/// sharing the store sees the same list). Each change is written together with its audit line
/// in one transaction (decision 155).
/// </summary>
public sealed class SourceCatalog(IDbContextFactory<CrawlStateDbContext> contexts, IOptionsMonitor<CrawlingOptions> options, TimeProvider time)
{
    public const string Created = "created";
    public const string Updated = "updated";
    public const string Paused = "paused";
    public const string Resumed = "resumed";
    public const string Deleted = "deleted";

    public async Task<IReadOnlyList<CatalogedSource>> ListAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var pauses = await db.SourcePauses.AsNoTracking().ToDictionaryAsync(p => p.SourceId, StringComparer.OrdinalIgnoreCase, cancellationToken);
        var managed = await db.ManagedSources.AsNoTracking().OrderBy(m => m.SourceId).ToListAsync(cancellationToken);
        var configured = options.CurrentValue.Sources;
        var result = configured.Select(s => new CatalogedSource(s, SourceOrigin.Configuration, pauses.GetValueOrDefault(s.Id), null)).ToList();

        // A configured source wins over a managed one of the same id (configuration added it later).
        result.AddRange(managed
            .Where(m => !configured.Any(c => string.Equals(c.Id, m.SourceId, StringComparison.OrdinalIgnoreCase)))
            .Select(m => new CatalogedSource(Read(m.Definition), SourceOrigin.Api, pauses.GetValueOrDefault(m.SourceId), m)));
        return result;
    }

    public async Task<CatalogedSource?> FindAsync(string id, CancellationToken cancellationToken)
    {
        var configured = options.CurrentValue.Sources.FirstOrDefault(s => string.Equals(s.Id, id, StringComparison.OrdinalIgnoreCase));
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var managed = configured is null ? await db.ManagedSources.AsNoTracking().SingleOrDefaultAsync(m => m.SourceId.ToLower() == id.ToLower(), cancellationToken) : null;
        if (configured is null && managed is null)
        {
            return null;
        }

        var key = configured?.Id ?? managed!.SourceId;
        var pause = await db.SourcePauses.AsNoTracking().SingleOrDefaultAsync(p => p.SourceId.ToLower() == key.ToLower(), cancellationToken);
        return configured is not null
            ? new CatalogedSource(configured, SourceOrigin.Configuration, pause, null)
            : new CatalogedSource(Read(managed!.Definition), SourceOrigin.Api, pause, managed);
    }

    /// <summary>Adds a managed source; Conflict when the id is taken (by configuration or the API).</summary>
    public async Task<(CatalogOutcome Outcome, CatalogedSource? Source)> AddAsync(CrawlSource source, string actor, CancellationToken cancellationToken)
    {
        if (IsConfigured(source.Id))
        {
            return (CatalogOutcome.Conflict, null);
        }

        var now = time.GetUtcNow();
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (await db.ManagedSources.AnyAsync(m => m.SourceId.ToLower() == source.Id.ToLower(), cancellationToken))
        {
            return (CatalogOutcome.Conflict, null);
        }

        var definition = Write(source);
        var record = new ManagedSourceRecord { SourceId = source.Id, Definition = definition, CreatedAt = now, CreatedBy = actor, UpdatedAt = now, UpdatedBy = actor };
        db.ManagedSources.Add(record);
        db.SourceAudit.Add(new SourceAuditRecord { SourceId = source.Id, At = now, Actor = actor, Action = Created, Definition = definition });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Another request added the same id between the check and the insert.
            return (CatalogOutcome.Conflict, null);
        }

        var pause = await db.SourcePauses.AsNoTracking().SingleOrDefaultAsync(p => p.SourceId == source.Id, cancellationToken);
        return (CatalogOutcome.Done, new CatalogedSource(source, SourceOrigin.Api, pause, record));
    }

    /// <summary>Replaces a managed source's definition (same id).</summary>
    public async Task<(CatalogOutcome Outcome, CatalogedSource? Source)> ReplaceAsync(CrawlSource source, string actor, CancellationToken cancellationToken)
    {
        if (IsConfigured(source.Id))
        {
            return (CatalogOutcome.ReadOnly, null);
        }

        var now = time.GetUtcNow();
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var record = await db.ManagedSources.SingleOrDefaultAsync(m => m.SourceId.ToLower() == source.Id.ToLower(), cancellationToken);
        if (record is null)
        {
            return (CatalogOutcome.NotFound, null);
        }

        // The stored id keeps its spelling: it is part of every mention id of the source.
        source.Id = record.SourceId;
        record.Definition = Write(source);
        record.UpdatedAt = now;
        record.UpdatedBy = actor;
        db.SourceAudit.Add(new SourceAuditRecord { SourceId = record.SourceId, At = now, Actor = actor, Action = Updated, Definition = record.Definition });
        await db.SaveChangesAsync(cancellationToken);
        var pause = await db.SourcePauses.AsNoTracking().SingleOrDefaultAsync(p => p.SourceId == record.SourceId, cancellationToken);
        return (CatalogOutcome.Done, new CatalogedSource(source, SourceOrigin.Api, pause, record));
    }

    /// <summary>Deletes a managed source and its pause; its crawl history and audit stay.</summary>
    public async Task<CatalogOutcome> DeleteAsync(string id, string actor, CancellationToken cancellationToken)
    {
        if (IsConfigured(id))
        {
            return CatalogOutcome.ReadOnly;
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var record = await db.ManagedSources.SingleOrDefaultAsync(m => m.SourceId.ToLower() == id.ToLower(), cancellationToken);
        if (record is null)
        {
            return CatalogOutcome.NotFound;
        }

        db.ManagedSources.Remove(record);
        db.SourcePauses.RemoveRange(await db.SourcePauses.Where(p => p.SourceId == record.SourceId).ToListAsync(cancellationToken));
        db.SourceAudit.Add(new SourceAuditRecord { SourceId = record.SourceId, At = time.GetUtcNow(), Actor = actor, Action = Deleted });
        await db.SaveChangesAsync(cancellationToken);
        return CatalogOutcome.Done;
    }

    /// <summary>Pauses or resumes any source, configured or managed. Idempotent: a repeat changes and audits nothing.</summary>
    public async Task<(CatalogOutcome Outcome, CatalogedSource? Source)> SetPausedAsync(string id, bool paused, string actor, CancellationToken cancellationToken)
    {
        var source = await FindAsync(id, cancellationToken);
        if (source is null)
        {
            return (CatalogOutcome.NotFound, null);
        }

        if (source.Paused == paused)
        {
            return (CatalogOutcome.Done, source);
        }

        var now = time.GetUtcNow();
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        SourcePauseRecord? pause = null;
        if (paused)
        {
            pause = new SourcePauseRecord { SourceId = source.Id, PausedAt = now, PausedBy = actor };
            db.SourcePauses.Add(pause);
        }
        else
        {
            db.SourcePauses.RemoveRange(await db.SourcePauses.Where(p => p.SourceId == source.Id).ToListAsync(cancellationToken));
        }

        db.SourceAudit.Add(new SourceAuditRecord { SourceId = source.Id, At = now, Actor = actor, Action = paused ? Paused : Resumed });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Paused by a concurrent request: the state asked for holds.
            return (CatalogOutcome.Done, await FindAsync(id, cancellationToken));
        }

        return (CatalogOutcome.Done, source with { Pause = pause });
    }

    /// <summary>The audit trail of one source, oldest first.</summary>
    public async Task<IReadOnlyList<SourceChange>> HistoryAsync(string id, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var records = await db.SourceAudit.AsNoTracking().Where(a => a.SourceId.ToLower() == id.ToLower()).OrderBy(a => a.Id).ToListAsync(cancellationToken);
        return records.Select(a => new SourceChange(a.SourceId, a.At, a.Actor, a.Action, a.Definition is null ? null : Read(a.Definition))).ToList();
    }

    private bool IsConfigured(string id) =>
        options.CurrentValue.Sources.Any(s => string.Equals(s.Id, id, StringComparison.OrdinalIgnoreCase));

    private static string Write(CrawlSource source) => JsonSerializer.Serialize(source, CrawlingCommands.SourceJson);

    private static CrawlSource Read(string json) => JsonSerializer.Deserialize<CrawlSource>(json, CrawlingCommands.SourceJson) ?? new CrawlSource();
}
