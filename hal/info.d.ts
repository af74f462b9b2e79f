export interface DeviceInformationRecord {
  /** As the DM server must see it, e.g. "IMEI:490154203237518". */
  readonly deviceId: string;
  readonly manufacturer: string;
  readonly model: string;
  readonly deviceType: string;
  readonly oem?: string;
  readonly firmwareVersion: string;
  readonly softwareVersion: string;
  readonly hardwareVersion: string;
  /** As the OS reports it, e.g. "en-US". */
  readonly language: string;
  /** IMSI of the SIM, when there is one: keys the OMA CP NETWPIN check. */
  readonly imsi?: string;
  /** Vendor values published under ./DevDetail/Ext. */
  readonly extensions?: Readonly<Record<string, string | number | boolean>>;
}

export interface DeviceInformation {
  /** A fresh snapshot; synchronous; never throws for missing optional fields. */
  read(): DeviceInformationRecord;
}
