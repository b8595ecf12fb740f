using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Vigil.IntegrationTests.Infrastructure;

/// <summary>A self-signed certificate for 127.0.0.1/localhost, made fresh for a test, with its SHA-256 fingerprint.</summary>
public static class TestCertificate
{
    public static (X509Certificate2 Certificate, string Sha256) Create()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=vigil-test-smtp", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        // Through PKCS #12 so the private key is usable by SslStream on every platform.
        var certificate = X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pfx), null);
        return (certificate, Convert.ToHexString(SHA256.HashData(certificate.RawData)));
    }
}
