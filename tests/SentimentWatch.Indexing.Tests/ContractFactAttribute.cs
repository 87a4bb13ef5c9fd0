using System.Reflection;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace SentimentWatch.Indexing.Tests;

/// <summary>
/// A contract case. It runs like a [Fact], except in a test class marked
/// <see cref="RequiresEnvironmentVariableAttribute"/> whose variable is unset: there it is
/// reported as skipped (with how to run it) rather than silently passing.
/// </summary>
[XunitTestCaseDiscoverer("SentimentWatch.Indexing.Tests.ContractFactDiscoverer", "SentimentWatch.Indexing.Tests")]
[AttributeUsage(AttributeTargets.Method)]
public sealed class ContractFactAttribute : FactAttribute;

/// <summary>The engine behind a contract test class needs this environment variable (e.g. a live cluster's URL).</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class RequiresEnvironmentVariableAttribute(string name) : Attribute
{
    public string Name { get; } = name;
}

public sealed class ContractFactDiscoverer(IMessageSink diagnosticMessageSink) : IXunitTestCaseDiscoverer
{
    public IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute)
    {
        var required = testMethod.TestClass.Class.ToRuntimeType()?.GetCustomAttribute<RequiresEnvironmentVariableAttribute>();
        var skip = required is not null && string.IsNullOrEmpty(Environment.GetEnvironmentVariable(required.Name))
            ? $"set {required.Name} to run this contract against a live engine"
            : null;
        yield return new ContractTestCase(diagnosticMessageSink, discoveryOptions.MethodDisplayOrDefault(), discoveryOptions.MethodDisplayOptionsOrDefault(), testMethod, skip);
    }
}

public sealed class ContractTestCase : XunitTestCase
{
    private string? skip;

    [Obsolete("Called by the de-serializer; should only be called by deriving classes for de-serialization purposes")]
    public ContractTestCase()
    {
    }

    public ContractTestCase(IMessageSink sink, TestMethodDisplay display, TestMethodDisplayOptions options, ITestMethod method, string? skip)
        : base(sink, display, options, method)
    {
        this.skip = skip;
    }

    public override void Serialize(IXunitSerializationInfo data)
    {
        base.Serialize(data);
        data.AddValue("ContractSkip", skip);
    }

    public override void Deserialize(IXunitSerializationInfo data)
    {
        skip = data.GetValue<string>("ContractSkip");
        base.Deserialize(data);
    }

    protected override string GetSkipReason(IAttributeInfo factAttribute) => skip ?? base.GetSkipReason(factAttribute);
}
