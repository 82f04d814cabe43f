#!/bin/sh
# A setup script: ip xfrm state add commands (with continuation lines), and lines that are not SAs
ip xfrm state flush
ip xfrm policy add src 10.0.0.0/24 dst 10.0.1.0/24 dir out tmpl src 192.0.2.1 dst 192.0.2.2 proto esp mode tunnel
ip xfrm state add src 192.0.2.1 dst 192.0.2.2 proto esp spi 0x00001001 reqid 1 mode tunnel \
    replay-window 64 flag esn \
    aead 'rfc4106(gcm(aes))' 0xac5fe0c586635549bdf273d6aa4c081f44a75db1 128 \
    encap espinudp 4500 4500 0.0.0.0
ip xfrm state add src 192.0.2.2 dst 192.0.2.1 proto esp spi 0x00001002 reqid 1 mode transport \
    auth-trunc 'hmac(sha256)' 0xd91d5ac920bd850026a8b12c0fc1a40539e817a1effbff1d134abe6d6c53bcc3 128 enc 'cbc(aes)' 0x14e66cdbadc70ebb6fac10e97c062ecf sel src 0.0.0.0/0 dst 0.0.0.0/0
ip xfrm state add src 2001:db8::1 dst 2001:db8::2 proto esp spi 4099 mode tunnel auth 'hmac(sha1)' 0xac5fe0c586635549bdf273d6aa4c081f44a75db1 enc 'cbc(des3_ede)' 0x52255cfa6b8e2ca0931a2e8f137b033cd1d7e6537e884a0d
ip xfrm state add src 10.1.1.1 dst 10.1.1.2 proto esp spi 0x1004 mode tunnel aead 'rfc7539esp(chacha20,poly1305)' 0x5e620ff16e960922d5a1232779360e0a2e0d4e0c6ea962ce8970636d2adf6b064ef51af6 128
ip xfrm state add src 10.1.1.1 dst 10.1.1.2 proto esp spi 0x1005 mode tunnel aead 'rfc4543(gcm(aes))' 0x5e620ff16e960922d5a1232779360e0a2e0d4e0c6ea962ce8970636d2adf6b064ef51af6 128 replay-window 0 if_id 7 mark 0x10/0xff
sudo ip xfrm state add src 10.1.1.1 dst 10.1.1.2 proto esp spi 0x1006 enc 'ecb(cipher_null)' "" auth-trunc 'hmac(md5)' 0x14e66cdbadc70ebb6fac10e97c062ecf 96 limit time-hard 3600 flag noecn nopmtudisc
ip xfrm state add src 10.1.1.1 dst 10.1.1.2 proto esp spi 0x1007 mode tunnel auth hmac\(sha384\) 0xaa0c94db334558f58057230d4ca68ed6f35e3342d742e877149f3ca7a25fc117c29f7d934876a7729568ce3de3c764bb enc aes 0xd91d5ac920bd850026a8b12c0fc1a40539e817a1effbff1d134abe6d6c53bcc3 replay-seq 0x20 replay-oseq 0x30
