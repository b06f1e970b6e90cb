"""The vault service: the folder and its key, the case files, the index and the profile.

It knows files and keys, not what a case means: case documents pass through it as
decrypted JSON documents, and index rows as dictionaries the layers above define.
"""
